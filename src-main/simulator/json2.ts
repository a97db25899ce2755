/**
 * Odoo 19+'s JSON-2 API: `POST /json/2/<model>/<method>` with `Authorization: bearer <API key>`, named
 * arguments in a JSON object, the bare result as the answer, and errors as HTTP statuses with a body
 * `{name, message, arguments, context, debug}` (the 19 recordings, `odoo/addons/rpc/controllers/json2.py`).
 * The database is selected before this runs (the router answers Odoo's "No database" page otherwise).
 */
import { pythonJsonDumps, pythonStringRepr } from './codec/python';
import { pythonJsonLoads, PythonJsonError } from './codec/python-json';
import type { WireValue } from './codec/values';
import type { Database } from './database';
import { formatTraceback, frame, OdooException } from './errors';
import { JSON_TYPE, mimeType, wrongContentType, type HttpRequest, type Reply } from './http-exchange';
import { ArgumentMismatch, callModelMethodNamed, isModelMethod, methodExists } from './methods';
import { deprecationHooks, type RpcHost } from './rpc';

const CONTROLLER = 'addons/rpc/controllers/json2.py';
const ODOO_PATH = '/usr/lib/python3/dist-packages/odoo';

/** `_serve_db` down to the route, as every JSON-2 traceback starts. */
const SERVE_DB: readonly string[] = [
  frame('http.py', 2275, '_serve_db', 'return service_model.retrying(serve_func, env=self.env)'),
  frame('service/model.py', 184, 'retrying', 'result = func()'),
];
const DISPATCH: readonly string[] = [
  ...SERVE_DB,
  frame('http.py', 2330, '_serve_ir_http', 'response = self.dispatcher.dispatch(rule.endpoint, args)'),
  frame('http.py', 2610, 'dispatch', "result = self.request.registry['ir.http']._dispatch(endpoint)"),
  frame('addons/base/models/ir_http.py', 355, '_dispatch', 'result = endpoint(**request.params)'),
  frame('http.py', 788, 'route_wrapper', 'result = endpoint(self, *args, **params_ok)'),
];
const authenticationFrames = (line: number): string[] => [
  ...SERVE_DB,
  frame('http.py', 2328, '_serve_ir_http', "self.registry['ir.http']._authenticate(rule.endpoint)", false),
  frame('addons/base/models/ir_http.py', 275, '_authenticate', 'cls._authenticate_explicit(auth)', false),
  frame('addons/base/models/ir_http.py', 284, '_authenticate_explicit', "getattr(cls, f'_auth_method_{auth}')()", false),
  frame('addons/base/models/ir_http.py', line, '_auth_method_bearer', "raise Unauthorized(e, www_authenticate=WWWAuthenticate('bearer'))", false),
];
const controllerFrames = (line: number, source: string): string[] => [...DISPATCH, frame(CONTROLLER, line, 'web_json_2_rpc', source)];

/** A werkzeug HTTPException: its class, status and description. */
interface HttpError {
  status: number;
  exception: string;
  title: string;
  description: string;
  frames: readonly string[];
  headers?: Record<string, string>;
}

const HTTP_ERRORS: Readonly<Record<number, [exception: string, title: string]>> = {
  400: ['BadRequest', 'Bad Request'],
  401: ['Unauthorized', 'Unauthorized'],
  404: ['NotFound', 'Not Found'],
  422: ['UnprocessableEntity', 'Unprocessable Entity'],
};

function httpError(status: number, description: string, frames: readonly string[], headers?: Record<string, string>): HttpError {
  const [exception, title] = HTTP_ERRORS[status];
  return { status, exception, title, description, frames, headers };
}

function jsonError(status: number, name: string, message: string, args: WireValue[], debug: string, headers?: Record<string, string>): Reply {
  return { status, contentType: JSON_TYPE, headers, transport: 'json', body: pythonJsonDumps({ name, message, arguments: args, context: {}, debug }) };
}

/** `Json2Dispatcher.handle_error` for an HTTPException: JSON body, the exception's headers kept. */
function httpErrorReply(error: HttpError): Reply {
  const debug = `Traceback (most recent call last):\n${error.frames.join('')}werkzeug.exceptions.${error.exception}: ${error.status} ${error.title}: ${error.description}\n`;
  return jsonError(error.status, `werkzeug.exceptions.${error.exception}`, error.description, [error.description, error.status], debug, error.headers);
}

/** The status of an Odoo exception (`http_status` of odoo.exceptions; anything else is a 500). */
function statusOf(error: OdooException): number {
  switch (error.kind) {
    case 'AccessError':
    case 'AccessDenied':
      return 403;
    case 'MissingError':
      return 404;
    case 'UserError':
    case 'ValidationError':
      return 422;
    default:
      return 500;
  }
}

function odooErrorReply(error: OdooException): Reply {
  const name = error.pythonType.includes('.') ? error.pythonType : `builtins.${error.pythonType}`;
  const debug = formatTraceback(error, controllerFrames(86, 'result = func(records, **kwargs)'));
  return jsonError(statusOf(error), name, error.message, [error.message], debug);
}

const unauthorized = (line: number, description: string): Reply =>
  httpErrorReply(httpError(401, description, authenticationFrames(line), { 'WWW-Authenticate': 'Bearer' }));

/** Reads `ids` the way `Model.browse` accepts them: a list or a single id. */
function idsOf(value: unknown): number[] {
  if (Array.isArray(value)) return value.filter((id): id is number => typeof id === 'number');
  return typeof value === 'number' ? [value] : [];
}

/** Answers one request on `/json/2` or below, for a selected database. */
export function json2Reply(host: RpcHost, request: HttpRequest, db: Database): Reply {
  const match = /^\/json\/2\/([^/]+)\/([^/]+)$/.exec(request.path);
  const rpc = request.method === 'POST' && match !== null;
  const names = host.profile.json2BindsArguments ? '<model>/<method>' : '<__model__>/<__method__>';
  const routePath = rpc ? `/json/2/${names}` : request.path === '/json/2' ? '/json/2' : '/json/2/<path:subpath>';
  // Json2Dispatcher.is_compatible_with: a JSON body, or no body at all.
  if (request.body.length > 0 && mimeType(request.headers['content-type']) !== 'application/json') {
    return wrongContentType(415, routePath, 'json2');
  }
  if (!rpc || !match) {
    const description = 'Did you mean POST /json/2/<model>/<method>?';
    return httpErrorReply(httpError(404, description, [...DISPATCH, frame(CONTROLLER, 47, 'web_json_2_404', 'raise request.not_found(e)')]));
  }

  // auth='bearer': an API key, never a password.
  const token = /^bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!token) return unauthorized(250, 'User not authenticated, use an API Key with a Bearer Authorization header.');
  const uid = db.uidForApiKey(token);
  if (uid === undefined) return unauthorized(242, 'Invalid apikey');

  let params: Record<string, unknown> = {};
  if (request.body.length > 0) {
    try {
      const parsed = pythonJsonLoads(request.body);
      // A body that is not an object is ignored (`self.jsonrequest | args` fails and only the path is kept).
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) params = parsed as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof PythonJsonError)) throw error;
      const frames = [...SERVE_DB, frame('http.py', 2603, 'dispatch', 'raise werkzeug.exceptions.BadRequest(e) from exc', false)];
      return httpErrorReply(httpError(400, `could not parse the body as json: ${error.message}`, frames));
    }
  }

  const model = decodeURIComponent(match[1]);
  const method = decodeURIComponent(match[2]);
  if (!db.schema.has(model)) {
    return httpErrorReply(httpError(404, `the model ${pythonStringRepr(model)} does not exist`, controllerFrames(69, 'raise NotFound(e) from exc')));
  }
  const { ids: rawIds, context, ...kwargs } = params;
  const ids = idsOf(rawIds);
  try {
    if (!method.startsWith('_') && !methodExists(db, model, method)) {
      return httpErrorReply(httpError(404, `The method '${model}.${method}' does not exist`, controllerFrames(74, 'raise NotFound(exc.args[0]) from exc')));
    }
    if (!method.startsWith('_') && isModelMethod(method) && ids.length) {
      return httpErrorReply(httpError(422, `cannot call ${model}.${method} with ids`, controllerFrames(77, 'raise UnprocessableEntity(e)')));
    }
    const result = callModelMethodNamed(db, uid, model, method, ids, kwargs, context, deprecationHooks(host, db.name, `${ODOO_PATH}/${CONTROLLER}:86`));
    return {
      status: 200,
      contentType: JSON_TYPE,
      body: pythonJsonDumps(result ?? null),
      transport: 'json',
      rows: Array.isArray(result) ? result.length : 1,
    };
  } catch (error) {
    if (error instanceof ArgumentMismatch) {
      if (error.signature !== undefined && host.profile.json2BindsArguments) {
        return httpErrorReply(httpError(422, error.signature, controllerFrames(82, 'raise UnprocessableEntity(exc.args[0])')));
      }
      return odooErrorReply(new OdooException('Python', 'TypeError', error.python));
    }
    if (error instanceof OdooException) return odooErrorReply(error);
    throw error;
  }
}
