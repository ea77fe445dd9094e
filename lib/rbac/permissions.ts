// The catalogue lives in lib/permissions (a leaf both the session and rbac import). Kept for the
// client components that import this path; new code imports `@/lib/permissions`.
export * from "@/lib/permissions";
