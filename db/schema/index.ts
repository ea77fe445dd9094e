export * from "./identity";
export * from "./contact";
export * from "./keyring";
export * from "./rbac";
export * from "./mfa";
