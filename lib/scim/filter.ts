import "server-only";
import SCIMMY from "scimmy";
import { scimError } from "./errors";

const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_$-]{0,63}$/;
const NO_VALUE = new Set(["pr", "np"]);
const MAX_FILTER_LENGTH = 1000;

export type ParsedFilter = {
  /** The one expression a database index answers: `userName eq`, `externalId eq`, `displayName eq` or `id eq`. */
  exact: { attribute: "userName" | "externalId" | "displayName" | "id"; value: string } | null;
  /** Everything else is matched by scimmy on the organization's resources. */
  match: <T>(resources: T[]) => T[];
};

/** scimmy parses; this refuses what it lets through but means nothing (`userName eq` with no value, `"x" eq userName`). */
function assertMeaningful(node: unknown, depth = 0): void {
  if (depth > 8) throw scimError(400, "invalidFilter", "The filter is nested too deeply.");
  if (Array.isArray(node)) {
    for (const n of node) assertMeaningful(n, depth + 1);
    return;
  }
  if (node === null || typeof node !== "object") throw scimError(400, "invalidFilter", "The filter could not be understood.");
  for (const [attribute, expression] of Object.entries(node)) {
    if (!ATTRIBUTE_NAME.test(attribute)) throw scimError(400, "invalidFilter", `"${attribute.slice(0, 40)}" is not an attribute name. Write filters as: userName eq "ada@example.com".`);
    if (Array.isArray(expression) && expression.every((e) => typeof e !== "object" || e === null)) {
      const [first, ...rest] = expression as unknown[];
      const [operator, ...values] = first === "not" ? rest : [first, ...rest];
      if (typeof operator !== "string") throw scimError(400, "invalidFilter", `The filter on ${attribute} has no operator.`);
      if (!NO_VALUE.has(operator) && values.length === 0) throw scimError(400, "invalidFilter", `The filter "${attribute} ${operator}" needs a value to compare with.`);
    } else {
      assertMeaningful(expression, depth + 1);
    }
  }
}

/** A SCIM filter (RFC 7644 §3.4.2.2), parsed by scimmy. Malformed: 400 with scimType invalidFilter. */
export function parseScimFilter(expression: string | null): ParsedFilter | null {
  if (expression === null || expression.trim() === "") return null;
  if (expression.length > MAX_FILTER_LENGTH) throw scimError(400, "invalidFilter", `The filter is longer than ${MAX_FILTER_LENGTH} characters.`);
  let filter: InstanceType<typeof SCIMMY.Types.Filter>;
  try {
    filter = new SCIMMY.Types.Filter(expression);
  } catch (e) {
    const detail = e instanceof Error ? e.message : "The filter could not be parsed.";
    throw scimError(400, "invalidFilter", `The filter could not be parsed: ${detail}`);
  }
  assertMeaningful([...filter]);
  let exact: ParsedFilter["exact"] = null;
  if (filter.length === 1) {
    const entries = Object.entries(filter[0] as Record<string, unknown>);
    const [attribute, expr] = entries[0] ?? [];
    if (entries.length === 1 && Array.isArray(expr) && expr.length === 2 && expr[0] === "eq" && typeof expr[1] === "string") {
      if (attribute === "userName" || attribute === "externalId" || attribute === "displayName" || attribute === "id") exact = { attribute, value: expr[1] };
    }
  }
  return { exact, match: <T>(resources: T[]) => filter.match(resources) as T[] };
}

export type Page = { startIndex: number; count: number };
export const MAX_PAGE_SIZE = 200;

/** startIndex (1-based) and count (RFC 7644 §3.4.2.4): below 1 reads as 1 and 0, above the maximum as the maximum; junk is a 400. */
export function parsePage(url: URL): Page {
  const number = (name: string, fallback: number) => {
    const raw = url.searchParams.get(name);
    if (raw === null || raw === "") return fallback;
    if (!/^-?\d{1,9}$/.test(raw)) throw scimError(400, "invalidValue", `${name} must be a whole number.`);
    return Number(raw);
  };
  return { startIndex: Math.max(1, number("startIndex", 1)), count: Math.min(MAX_PAGE_SIZE, Math.max(0, number("count", 100))) };
}
