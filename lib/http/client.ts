/**
 * lib/http's face for client components: the checkbox-group field names a form posts, shared with the
 * server-side parsing in ./form-fields. Constants only; index.ts is server-side.
 */
export { PERMISSION_PREFIX, ROLE_PREFIX } from "./form-fields";
