/**
 * Frames of the Python call paths the simulated server "goes through", so fault-1 tracebacks read like
 * the real ones recorded from Odoo 18 (`../shared/odoo-recordings/`). Only the last line of a traceback is
 * meaningful to clients; the frames are for realism.
 */
import { pythonStringRepr } from './codec/python';
import { frame, OdooException, pythonError } from './errors';

/** `dispatch_rpc` down to a service's `dispatch`. */
export const DISPATCH_RPC: readonly string[] = [
  frame('http.py', 398, 'dispatch_rpc', 'return dispatch(method, params)'),
];

/** The object service down to `call_kw` of a model method. */
export function objectFrames(method: string): string[] {
  return [
    ...DISPATCH_RPC,
    frame('service/model.py', 58, 'dispatch', 'res = execute_kw(db, uid, *params[3:])'),
    frame('service/model.py', 81, 'execute_kw', 'return execute(db, uid, obj, method, *args, **kw or {})'),
    frame('service/model.py', 87, 'execute', 'res = execute_cr(cr, uid, obj, method, *args, **kw)'),
    frame('service/model.py', 72, 'execute_cr', 'result = retrying(partial(odoo.api.call_kw, recs, method, args, kw), env)'),
    frame('service/model.py', 156, 'retrying', 'result = func()'),
    frame('api.py', 533, 'call_kw', 'result = getattr(recs, name)(*args, **kwargs)'),
    ...methodFrames(method),
  ];
}

/** Frames inside models.py for the ORM method that evaluated a domain. */
function methodFrames(method: string): string[] {
  const search = [
    frame('models.py', 5796, '_search', 'query = self._where_calc(domain)'),
    frame('models.py', 5547, '_where_calc', 'return expression.expression(domain, self).query'),
    frame('osv/expression.py', 781, '__init__', 'self.expression = domain_combine_anies(domain, model)'),
    frame('osv/expression.py', 599, 'domain_combine_anies', 'domain_any = _anyfy_leaves(domain, model)'),
    frame('osv/expression.py', 374, '_anyfy_leaves', 'raise ValueError(f"Invalid field {model._name}.{path[0]} in leaf {item}")', false),
  ];
  switch (method) {
    case 'search_count':
      return [frame('models.py', 1726, 'search_count', 'query = self._search(domain, limit=limit)'), ...search];
    case 'search_read':
      return [
        frame('models.py', 5907, 'search_read', 'records = self.search_fetch(domain or [], fields, offset=offset, limit=limit, order=order)'),
        frame('models.py', 1770, 'search_fetch', 'query = self._search(domain, offset=offset, limit=limit, order=order or self._order)'),
        ...search,
      ];
    case 'search':
      return [
        frame('models.py', 1744, 'search', 'return self.search_fetch(domain, [], offset=offset, limit=limit, order=order)'),
        frame('models.py', 1770, 'search_fetch', 'query = self._search(domain, offset=offset, limit=limit, order=order or self._order)'),
        ...search,
      ];
    case 'read_group':
      return [
        frame('models.py', 2905, 'read_group', 'rows = self._read_group(domain, annotated_groupby.values(), annoted_aggregates.values(), offset=offset, limit=limit, order=orderby)'),
        frame('models.py', 2076, '_read_group', 'query = self._search(domain)'),
        ...search,
      ];
    default:
      return [frame('models.py', 1744, method, `return self.${method}(*args, **kwargs)`)];
  }
}

/** The first half of a chained "database does not exist" traceback (the registry cache miss). */
const REGISTRY_MISS =
  'Traceback (most recent call last):\n' +
  frame('modules/registry.py', 104, '__new__', 'return cls.registries[db_name]') +
  frame('/usr/lib/python3/dist-packages/decorator.py', 232, 'fun', 'return caller(func, *(extras + args), **kw)') +
  frame('tools/func.py', 97, 'locked', 'return func(inst, *args, **kwargs)') +
  frame('tools/lru.py', 33, '__getitem__', 'a = self.d[obj]');

const REGISTRY_OPEN: readonly string[] = [
  frame('modules/registry.py', 106, '__new__', 'return cls.new(db_name)'),
  frame('/usr/lib/python3/dist-packages/decorator.py', 232, 'fun', 'return caller(func, *(extras + args), **kw)'),
  frame('tools/func.py', 97, 'locked', 'return func(inst, *args, **kwargs)'),
  frame('modules/registry.py', 114, 'new', 'registry.init(db_name)', false),
  frame('modules/registry.py', 206, 'init', 'with closing(self.cursor()) as cr:'),
  frame('modules/registry.py', 1005, 'cursor', 'return self._db.cursor()'),
  frame('sql_db.py', 795, 'cursor', 'return Cursor(self.__pool, self.__dbname, self.__dsn)'),
  frame('sql_db.py', 288, '__init__', 'self._cnx = pool.borrow(dsn)'),
  frame('/usr/lib/python3/dist-packages/decorator.py', 232, 'fun', 'return caller(func, *(extras + args), **kw)'),
  frame('tools/func.py', 97, 'locked', 'return func(inst, *args, **kwargs)'),
  frame('sql_db.py', 722, 'borrow', 'result = psycopg2.connect('),
  frame('/usr/lib/python3/dist-packages/psycopg2/__init__.py', 122, 'connect', 'conn = _connect(dsn, connection_factory=connection_factory, **kwasync)'),
];

/** `psycopg2.OperationalError` for a database that does not exist, raised from `service` (`common` or `object`). */
export function unknownDatabase(db: string, service: 'common' | 'object' | 'db', method: string): OdooException {
  const chained = `${REGISTRY_MISS}KeyError: ${pythonStringRepr(db)}\n\nDuring handling of the above exception, another exception occurred:\n\n`;
  const entry =
    service === 'common'
      ? [
          ...DISPATCH_RPC,
          frame('service/common.py', 58, 'dispatch', 'return g[exp_method_name](*params)'),
          method === 'login'
            ? frame('service/common.py', 19, 'exp_login', "return exp_authenticate(db, login, password, None)")
            : frame('service/common.py', 26, 'exp_authenticate', "res_users = Registry(db)['res.users']"),
        ]
      : [
          ...DISPATCH_RPC,
          frame('service/model.py', 49, 'dispatch', 'security.check(db, uid, passwd)', false),
          frame('service/security.py', 10, 'check', "res_users = odoo.registry(db)['res.users']"),
        ];
  if (service === 'common' && method === 'login') {
    entry.push(frame('service/common.py', 26, 'exp_authenticate', "res_users = Registry(db)['res.users']"));
  }
  return new OdooException(
    'Python',
    'psycopg2.OperationalError',
    `connection to server at "127.0.0.1", port 5432 failed: FATAL:  database "${db}" does not exist\n`,
    [...entry, ...REGISTRY_OPEN],
    { chained },
  );
}

/** `KeyError: 'nothing'` for an unknown service path (`/xmlrpc/2/nothing`). */
export function unknownService(service: string): OdooException {
  return pythonError('KeyError', pythonStringRepr(service), [
    frame('http.py', 397, 'dispatch_rpc', 'dispatch = rpc_dispatchers[service_name]'),
  ]);
}

/** `xml.parsers.expat.ExpatError` for a malformed request body (fault 1, XML-RPC only). */
export function malformedXml(message: string): OdooException {
  return new OdooException(
    'Python',
    'xml.parsers.expat.ExpatError',
    message,
    [
      frame('/usr/lib/python3.11/xmlrpc/client.py', 1030, 'loads', 'p.close()', false),
      frame('/usr/lib/python3.11/xmlrpc/client.py', 460, 'close', 'parser.Parse(b"", True) # end of data'),
    ],
    {
      entry: [
        frame('addons/base/controllers/rpc.py', 165, 'xmlrpc_2', 'response = self._xmlrpc(service)'),
        frame('addons/base/controllers/rpc.py', 138, '_xmlrpc', 'params, method = xmlrpc.client.loads(data, use_datetime=True)'),
      ],
    },
  );
}

/** `TypeError: cannot marshal None unless allow_none is enabled` (a method returned None over XML-RPC), or `OverflowError` for huge ints. */
export function cannotMarshal(message: string): OdooException {
  return new OdooException(
    'Python',
    message.startsWith('int exceeds') ? 'OverflowError' : 'TypeError',
    message,
    [
      frame('addons/base/controllers/rpc.py', 114, 'dumps', 'response = OdooMarshaller(allow_none=False).dumps(params)'),
      frame('/usr/lib/python3.11/xmlrpc/client.py', 514, 'dumps', 'dump(v, write)', false),
      frame('/usr/lib/python3.11/xmlrpc/client.py', 536, '__dump', 'f(self, value, write)', false),
      frame('/usr/lib/python3.11/xmlrpc/client.py', 540, 'dump_nil', 'raise TypeError("cannot marshal None unless allow_none is enabled")', false),
    ],
    {
      entry: [
        frame('addons/base/controllers/rpc.py', 165, 'xmlrpc_2', 'response = self._xmlrpc(service)'),
        frame('addons/base/controllers/rpc.py', 140, '_xmlrpc', 'return dumps((result,))'),
      ],
    },
  );
}
