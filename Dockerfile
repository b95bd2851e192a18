# syntax=docker/dockerfile:1
#
# Clara in a container: a static binary on distroless.
#
#   docker build -t clara .                          # version reported: 0.0.0-devel
#   docker build -t clara --build-arg VERSION=1.2.3 .  # a release: clara version prints 1.2.3
#   docker run -p 8000:8000 -v clara-data:/data clara
#
# Base images are pinned by tag. For reproducible builds pin them by digest as
# well, e.g. FROM golang:1.26-bookworm@sha256:<digest> (take the digest from
# `docker buildx imagetools inspect golang:1.26-bookworm`) and let Dependabot
# or Renovate bump it.

# ---- build ------------------------------------------------------------------
FROM golang:1.26-bookworm AS build

# VERSION, a semantic version such as 1.2.3, is stamped into the binary with
# -X main.releaseOverride (see cmd/clara/release.go). When it is empty, no -X is
# passed and the binary reports what Go's build information says. Go can stamp
# the module version from the VCS (-buildvcs) only when .git is in the build
# context, and .dockerignore leaves .git out (see there), so an image built
# without VERSION reports 0.0.0-devel. Release images: pass VERSION.
ARG VERSION=

WORKDIR /src

# Modules first, so that a source change does not download them again. The
# replace directives in go.mod point into third_party, so it comes along.
COPY go.mod go.sum ./
COPY third_party ./third_party
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download

COPY . .

# CGO_ENABLED=0: a static binary (pure-Go SQLite and PostgreSQL drivers), which
# is what distroless/static needs: it has no libc. `clara version` runs the
# binary once: a VERSION that is not a semantic version makes it exit at start,
# which fails the image build instead of shipping it. /out/data becomes /data,
# owned by the non-root user, in the final image.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    set -eu; \
    ldflags="-s -w"; \
    if [ -n "$VERSION" ]; then ldflags="$ldflags -X main.releaseOverride=$VERSION"; fi; \
    CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o /out/clara ./cmd/clara; \
    /out/clara version; \
    mkdir -p /out/data

# ---- run --------------------------------------------------------------------
# distroless/static: CA certificates, tzdata, /etc/passwd with the nonroot user
# (65532); no shell, no package manager, no libc.
FROM gcr.io/distroless/static-debian12:nonroot

ARG VERSION=
LABEL org.opencontainers.image.title="clara" \
      org.opencontainers.image.description="Clara: claim checking and content analysis over REST and MCP" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}"

COPY --from=build /out/clara /clara
# A named volume mounted on /data starts with this directory's owner, so the
# non-root user can write the embedded store and secrets.json into it.
COPY --from=build --chown=65532:65532 /out/data /data

# The embedded SQLite store and the generated secrets live in /data; with
# CLARA_DATABASE_URL (PostgreSQL) only the development mail outbox does.
ENV CLARA_DATA_DIR=/data \
    CLARA_HTTP_ADDR=0.0.0.0:8000
VOLUME ["/data"]
EXPOSE 8000

# Numeric, so that Kubernetes' runAsNonRoot can verify it.
USER 65532:65532

# distroless has no shell and no curl: the binary probes itself. clara health
# asks GET /api/v1/health on CLARA_HTTP_ADDR (0.0.0.0 means this container)
# and exits 1 unless it answers 200, which it does only while the database
# answers. Kubernetes ignores HEALTHCHECK: give it an httpGet probe on the
# same path instead.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/clara", "health", "--timeout", "4s"]

# clara serve drains requests and closes the database pool on SIGTERM, which is
# what docker stop sends.
ENTRYPOINT ["/clara"]
CMD ["serve"]
