# The Odoo Change Monitor team server (`ocm serve`) as a container (docs/team-mode.md).
#   docker build -t ocm .
#   docker run -d --name ocm -p 8443:8080 -v ocm-data:/var/lib/ocm \
#     -v /etc/ocm/tls:/etc/ocm/tls:ro -e OCM_TLS_CERT=/etc/ocm/tls/cert.pem -e OCM_TLS_KEY=/etc/ocm/tls/key.pem ocm
#   docker exec -e PW='…' ocm ocm user add --login admin --role admin --password-env PW
# Behind a reverse proxy instead of TLS: -e OCM_BEHIND_PROXY=<the proxy's address as the container sees it>.
# Listening beyond loopback without one of the two is refused at start, with the reason.

FROM node:20-bookworm AS build
WORKDIR /app
# better-sqlite3 compiles here; Electron's binary is not needed for the server.
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1
COPY package.json package-lock.json ./
COPY scripts/install-electron.mjs scripts/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npx vite build -c vite.renderer.config.ts --logLevel warn \
 && npm run build:cli \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    OCM_HOME=/var/lib/ocm \
    OCM_HOST=0.0.0.0 \
    OCM_PORT=8080
RUN groupadd --system ocm && useradd --system --gid ocm --home-dir /var/lib/ocm --shell /usr/sbin/nologin ocm \
 && mkdir -p /var/lib/ocm && chown ocm:ocm /var/lib/ocm && chmod 0750 /var/lib/ocm
WORKDIR /opt/ocm
COPY --from=build /app/package.json ./
COPY --from=build /app/bin ./bin
COPY --from=build /app/out/cli ./out/cli
COPY --from=build /app/out/renderer ./out/renderer
COPY --from=build /app/node_modules ./node_modules
COPY deploy/healthcheck.mjs ./deploy/healthcheck.mjs
RUN ln -s /opt/ocm/bin/ocm.js /usr/local/bin/ocm
USER ocm
VOLUME ["/var/lib/ocm"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "/opt/ocm/deploy/healthcheck.mjs"]
# SIGTERM (docker stop) stops cleanly and releases the collector's leases.
STOPSIGNAL SIGTERM
CMD ["node", "/opt/ocm/bin/ocm.js", "serve"]
