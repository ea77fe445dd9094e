/**
 * Benchmarks on PostgreSQL need an empty database (the demo owner's password is printed only
 * when the demo is created). Given BENCH_DATABASE_URL (any database on a server where that role
 * may CREATE DATABASE), a scratch database is created for the run and dropped afterwards.
 */
import postgres from "postgres";

export async function withScratchDatabase<T>(adminUrl: string, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `ck_bench_${Date.now().toString(36)}_${process.pid}`; // only [a-z0-9_]: safe to quote as an identifier
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10, idle_timeout: 5 });
  try {
    await admin.unsafe(`create database "${name}"`);
  } catch (e) {
    await admin.end({ timeout: 5 });
    throw new Error(
      `could not create a scratch database through BENCH_DATABASE_URL (${e instanceof Error ? e.message : String(e)}); ` +
        `the role needs CREATEDB`,
    );
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await fn(url.toString());
  } finally {
    await admin.unsafe(`drop database if exists "${name}" with (force)`).catch((e: unknown) => {
      console.warn(`bench: could not drop scratch database ${name}: ${e instanceof Error ? e.message : String(e)}`);
    });
    await admin.end({ timeout: 5 });
  }
}

/** Runs fn on PGlite (no URL) or on a scratch database of BENCH_DATABASE_URL. */
export async function withBenchDatabase<T>(fn: (databaseUrl: string | undefined) => Promise<T>): Promise<T> {
  const adminUrl = process.env.BENCH_DATABASE_URL || undefined;
  return adminUrl ? withScratchDatabase(adminUrl, fn) : fn(undefined);
}
