/**
 * The bank's state (oidc-provider's grants, tokens, sessions, and our consents), in memory and,
 * with a data directory, snapshotted to a JSON file so a restart of the sandbox does not revoke
 * every connection the app holds. oidc-provider's own memory adapter is a process-wide LRU of
 * 1,000 entries shared by both institutions: under tests and benchmarks it would evict live grants.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Consent } from "./consents";

interface Entry {
  payload: Record<string, unknown>;
  /** Epoch ms; undefined never expires. */
  expiresAt?: number;
}

interface Snapshot {
  models: Record<string, Record<string, Entry>>;
  consents: Consent[];
}

const SAVE_DELAY_MS = 250;

export class StateStore {
  readonly models = new Map<string, Map<string, Entry>>();
  readonly consents: Consent[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly file: string | null) {
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- our own data directory
    if (!file || !existsSync(file)) return;
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- our own data directory
    const snapshot = JSON.parse(readFileSync(file, "utf8")) as Snapshot;
    const now = Date.now();
    for (const [model, entries] of Object.entries(snapshot.models)) {
      const live = new Map(Object.entries(entries).filter(([, e]) => e.expiresAt === undefined || e.expiresAt > now));
      this.models.set(model, live);
    }
    this.consents.push(...snapshot.consents);
  }

  model(name: string): Map<string, Entry> {
    let map = this.models.get(name);
    if (!map) {
      map = new Map();
      this.models.set(name, map);
    }
    return map;
  }

  /** Debounced: many writes in one authorization become one file write. */
  changed() {
    if (!this.file || this.timer) return;
    this.timer = setTimeout(() => this.flush(), SAVE_DELAY_MS);
    this.timer.unref();
  }

  flush() {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.file) return;
    const snapshot: Snapshot = { models: {}, consents: this.consents };
    for (const [name, entries] of this.models) snapshot.models[name] = Object.fromEntries(entries);
    const tmp = `${this.file}.tmp`;
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- our own data directory
    writeFileSync(tmp, JSON.stringify(snapshot), { mode: 0o600 });
    // eslint-disable-next-line security/detect-non-literal-fs-filename -- our own data directory
    renameSync(tmp, this.file);
  }
}

/** An oidc-provider adapter class over one StateStore (one per institution). */
export function adapterFor(store: StateStore) {
  return class StateAdapter {
    private readonly entries: Map<string, Entry>;

    constructor(name: string) {
      this.entries = store.model(name);
    }

    async upsert(id: string, payload: Record<string, unknown>, expiresIn?: number) {
      this.entries.set(id, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined });
      store.changed();
    }

    async find(id: string) {
      const entry = this.entries.get(id);
      if (!entry) return undefined;
      if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
        this.entries.delete(id);
        return undefined;
      }
      return entry.payload;
    }

    async findByUid(uid: string) {
      for (const [id, entry] of this.entries) if (entry.payload.uid === uid) return this.find(id);
      return undefined;
    }

    async findByUserCode(userCode: string) {
      for (const [id, entry] of this.entries) if (entry.payload.userCode === userCode) return this.find(id);
      return undefined;
    }

    async consume(id: string) {
      const entry = this.entries.get(id);
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
      store.changed();
    }

    async destroy(id: string) {
      this.entries.delete(id);
      store.changed();
    }

    async revokeByGrantId(grantId: string) {
      for (const [id, entry] of this.entries) if (entry.payload.grantId === grantId) this.entries.delete(id);
      store.changed();
    }
  };
}
