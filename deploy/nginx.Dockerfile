# The reverse proxy: Debian's nginx with deploy/nginx.conf, unprivileged on port 8080.
#
#   docker build -f deploy/nginx.Dockerfile -t claims-atlas-proxy deploy
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends nginx \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10002 proxy-user \
    && mkdir -p /var/lib/claims-proxy/tmp && chown -R proxy-user /var/lib/claims-proxy
COPY nginx.conf /etc/nginx/claims-atlas.conf
USER proxy-user
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s CMD ["sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"]
CMD ["nginx", "-p", "/var/lib/claims-proxy/", "-c", "/etc/nginx/claims-atlas.conf"]
