export * from "./identity";
export * from "./contact";
export * from "./keyring";
