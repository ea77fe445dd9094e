// `npm run worker` loads lib/banking (for bank sync), whose index pulls in Next's navigation helpers:
// under the react-server condition React has no createContext and that import fails. So the worker
// runs under the default conditions, and this hook stands in for "server-only" (which, outside the
// react-server condition, throws to keep server code out of browser bundles: no browser here).
import { register } from "node:module";

register(
  "data:text/javascript," +
    encodeURIComponent(
      'export async function resolve(specifier, context, next) { if (specifier === "server-only") return { url: "data:text/javascript,", shortCircuit: true }; return next(specifier, context); }',
    ),
);
