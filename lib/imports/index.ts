import "server-only";
/** Statement imports (CSV with per-account mappings, OFX/QFX): idempotent, one transaction per file. */
export { errorReport, importStatement, statementFormatOf, type ImportOutcome, type StatementFormat } from "./import-statement";
export { csvMappingSchema, parseCsvStatement, type CsvMapping, type RowError } from "./csv";
export { parseOfxStatement } from "./ofx";
export { DATE_FORMATS, parseAmountMinor, parseDay } from "./values";
export { MAX_STATEMENT_BYTES, NOT_A_STATEMENT_NAME, StatementContentCheck, uploadFormatOf } from "./content-check";
