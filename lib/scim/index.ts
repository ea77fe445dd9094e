import "server-only";
/** SCIM 2.0 provisioning (RFC 7643/7644) on scimmy: tokens, Users, Groups, discovery, group-to-role mappings. See README "SCIM provisioning". */
export { recordScimEvent, type ScimActor } from "./audit";
export { SCIM_CONTENT_TYPE, scimError, scimErrorResponse, scimJson } from "./errors";
export { parsePage, parseScimFilter, MAX_PAGE_SIZE } from "./filter";
export { readScimJson, scimRoute, type ScimCtx } from "./http";
export { createScimUser, deleteScimUser, getScimUser, listScimUsers, patchScimUser, replaceScimUser } from "./users";
export { createScimGroup, deleteScimGroup, getScimGroup, listScimGroups, patchScimGroup, replaceScimGroup } from "./groups";
export { resourceTypes, schemas, serviceProviderConfig } from "./discovery";
export { listDirectoryGroups, mapDirectoryGroup } from "./mappings";
export { authenticateScimToken, bearerTokenOf, createScimToken, listScimTokens, revokeScimToken, scimTokenInputSchema, SCIM_TOKEN_PREFIX } from "./tokens";
export { scimBase } from "./resources";
