export * from "./identity";
export * from "./contact";
