/**
 * A stand-in for next/headers in unit tests: server actions and the gate read cookies and
 * headers from here, exactly as they would from a real request.
 */
type CookieOptions = Record<string, unknown>;

const state = {
  cookies: new Map<string, { value: string; options?: CookieOptions }>(),
  headers: new Headers(),
};

export function resetRequestContext(): void {
  state.cookies.clear();
  state.headers = new Headers();
}

export function setRequestCookie(name: string, value: string): void {
  state.cookies.set(name, { value });
}

export function setRequestHeaders(h: Record<string, string>): void {
  state.headers = new Headers(h);
}

export function cookieJar() {
  return state.cookies;
}

const jar = {
  get: (name: string) => {
    const c = state.cookies.get(name);
    return c ? { name, value: c.value } : undefined;
  },
  has: (name: string) => state.cookies.has(name),
  getAll: () => [...state.cookies.entries()].map(([name, c]) => ({ name, value: c.value })),
  set: (name: string, value: string, options?: CookieOptions) => void state.cookies.set(name, { value, options }),
  delete: (name: string) => void state.cookies.delete(name),
};

export const nextHeadersMock = {
  cookies: async () => jar,
  headers: async () => state.headers,
};
