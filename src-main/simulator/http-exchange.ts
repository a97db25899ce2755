/**
 * What a request carries to a route and what the route answers (status, content type, body, headers), and
 * the fixed pages werkzeug and Odoo send: 404, 405, 400/415, Odoo's "No database is selected" (19+),
 * nginx's 502.
 */

/** One HTTP request as the routes see it (header names in lower case). */
export interface HttpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
}

/** An HTTP answer before it is written. */
export interface Reply {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
  /** Records in the answer, for the CPU pacing (a page of 5,000 rows costs 5,000 times a row). */
  rows?: number;
  /** The transport, for the pacing's per-row cost. */
  transport?: 'xmlrpc' | 'json';
}

export const XML = 'text/xml; charset=utf-8';
export const JSON_TYPE = 'application/json; charset=utf-8';
export const HTML = 'text/html; charset=utf-8';

/** werkzeug's reason phrases (upper case, as Odoo's status lines read). */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  101: 'SWITCHING PROTOCOLS',
  200: 'OK',
  400: 'BAD REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT FOUND',
  405: 'METHOD NOT ALLOWED',
  415: 'UNSUPPORTED MEDIA TYPE',
  422: 'UNPROCESSABLE ENTITY',
  500: 'INTERNAL SERVER ERROR',
  502: 'Bad Gateway',
};

/** werkzeug's error page: escaped description, newlines as `<br>`. */
export function werkzeugPage(status: number, title: string, description: string): string {
  const escaped = description
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/'/g, '&#39;')
    .replace(/"/g, '&#34;')
    .replace(/\n/g, '<br>');
  return `<!doctype html>\n<html lang=en>\n<title>${status} ${title}</title>\n<h1>${title}</h1>\n<p>${escaped}</p>\n`;
}

/** werkzeug's 404 page (recording 33). */
export const NOT_FOUND_PAGE = werkzeugPage(
  404,
  'Not Found',
  'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.',
);
/** werkzeug's 405 page (recording 34). */
export const METHOD_NOT_ALLOWED_PAGE = werkzeugPage(405, 'Method Not Allowed', 'The method is not allowed for the requested URL.');
/** werkzeug's 400 page without a description (19 recording 40: `/websocket` without an upgrade). */
export const BAD_REQUEST_PAGE = werkzeugPage(400, 'Bad Request', 'The browser (or proxy) sent a request that this server could not understand.');
/** Odoo 19's page for a database route when no database is selected and several exist (19 recordings 25, 33, 39). */
export const NO_DATABASE_PAGE =
  '<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>No database is selected and the requested URL was not found in the server-wide controllers.</p>\n<p>Please verify the hostname, <a href=/web/login>login</a> and try again.</p>\n\n<!-- Alternatively, use the X-Odoo-Database header. -->\n';
/** nginx's 502 page, as a reverse proxy in front of a dead Odoo answers. */
export const BAD_GATEWAY_PAGE =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n';

/** An HTML page answer. */
export function pageReply(status: number, body: string, headers?: Record<string, string>): Reply {
  return { status, contentType: HTML, body, headers };
}

/**
 * The answer to a JSON route called with another content type: 400 until 18, 415 from 19, naming the
 * route's path and type (`Request inferred type is compatible with ['http'] but '/jsonrpc' is type='json'`).
 */
export function wrongContentType(status: 400 | 415, routePath: string, routeType: string): Reply {
  const title = status === 415 ? 'Unsupported Media Type' : 'Bad Request';
  return pageReply(
    status,
    werkzeugPage(
      status,
      title,
      `Request inferred type is compatible with ['http'] but '${routePath}' is type='${routeType}'.\n\nPlease verify the Content-Type request header and try again.`,
    ),
  );
}

/** The media type of a Content-Type header, lower case without parameters. */
export function mimeType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}
