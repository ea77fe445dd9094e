import type { MetadataRoute } from "next";

/** What a phone's "Add to home screen" reads: the name, colours and the icons (scripts/make-icons.ts). */
export default function manifest(): MetadataRoute.Manifest {
  return {
    name: "ChargeKeep",
    short_name: "ChargeKeep",
    description: "Business-finance reporting: balances, cash flow and transactions across your bank accounts.",
    start_url: "/dashboard",
    display: "standalone",
    background_color: "#ffffff",
    theme_color: "#1d4ed8",
    icons: [
      { src: "/icon-192.png", sizes: "192x192", type: "image/png" },
      { src: "/icon-512.png", sizes: "512x512", type: "image/png" },
      { src: "/icon.svg", sizes: "any", type: "image/svg+xml" },
    ],
  };
}
