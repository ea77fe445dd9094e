export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { bootstrap } = await import("./lib/bootstrap");
    try {
      await bootstrap();
    } catch (e) {
      // A server that cannot check its configuration, migrate or load its keys must not serve.
      console.error(`\nChargeKeep cannot start:\n${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    }
  }
}
