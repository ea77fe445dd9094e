// Types for check.mjs (plain JavaScript so `node scripts/check-asvs.mjs` runs without a build step).
export type Status = "tested" | "control" | "n/a" | "gap";
export declare const STATUSES: Status[];

export type Requirement = { id: string; level: number; text: string };
export type Requirements = { all: Map<string, Requirement>; inScope: Requirement[] };
export type Row = { id: string; status: string; tests: string[]; where: string; line: number };
export type Table = { rows: Row[]; problems: string[] };
export type NamedTest = { file: string; line: number; name: string };
export type Tests = Map<string, NamedTest[]>;
export type Result = { errors: string[]; notes: string[]; counts: Record<Status, number> };

export declare function readRequirements(csvText: string): Requirements;
export declare function parseTable(markdown: string): Table;
export declare function updateTestsColumn(markdown: string, tests: Tests): string;
export declare function testNames(source: string, fileName?: string): { name: string; line: number }[];
export declare function findTestFiles(root: string): string[];
export declare function idsInTests(files: { file: string; source: string }[]): Tests;
export declare function checkAsvs(input: { requirements: Requirements; table: Table; tests: Tests }): Result;
export declare function formatReport(result: Result): string;
export declare function readmeCounts(markdown: string): Record<Status, number> | null;
export declare function updateReadmeCounts(markdown: string, counts: Record<Status, number>): string;
export declare function readmeProblem(markdown: string, counts: Record<Status, number>): string | null;
export declare function checkRepository(
  root: string,
  paths?: { csv?: string; table?: string; readme?: string },
): Result & { requirements: Requirements; table: Table; tests: Tests };
