// The container's health check: asks the team server on this machine for /healthz (HTTP, or HTTPS when a
// certificate is configured; the certificate is not checked here, only that the server answers "ok").
import { request as http } from 'node:http';
import { request as https } from 'node:https';

const port = Number(process.env.OCM_PORT ?? 8080);
const tls = Boolean(process.env.OCM_TLS_CERT);
const send = tls ? https : http;
const req = send({ host: '127.0.0.1', port, path: '/healthz', timeout: 4000, rejectUnauthorized: false, headers: { Host: `127.0.0.1:${port}` } }, (response) => {
  let body = '';
  response.on('data', (chunk) => (body += chunk));
  response.on('end', () => {
    try {
      process.exit(response.statusCode === 200 && JSON.parse(body).status === 'ok' ? 0 : 1);
    } catch {
      process.exit(1);
    }
  });
});
req.on('timeout', () => req.destroy());
req.on('error', () => process.exit(1));
req.end();
