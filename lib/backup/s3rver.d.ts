// s3rver (dev dependency, tests only) ships no types: the little the S3 target tests use.
declare module "s3rver" {
  type Options = { address?: string; port?: number; silent?: boolean; directory?: string; configureBuckets?: { name: string; configs: string[] }[] };
  export default class S3rver {
    constructor(options: Options);
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }
}
