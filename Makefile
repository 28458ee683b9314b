# nckit: four small filters (ncl, ncc, ncenc, ncdec) and the scripts built on them.
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
SHAREDIR ?= $(PREFIX)/share/nckit
GO      ?= go
BINS    := ncl ncc ncenc ncdec
SCRIPTS := $(wildcard scripts/*.sh)
SHELL_FILES = $(SCRIPTS) $(wildcard tests/bats/*.bash tests/*.sh tests/fixtures/*/*.sh bench/*.sh) .ci/run

.PHONY: all build deps lint vet gotest bats test install uninstall clean demo bench fuzz

all: build

build:
	@mkdir -p bin
	$(GO) build -trimpath -tags urfave_cli_no_docs -o bin/ ./cmd/...

# deps installs the test peers (bats, openssl, OpenBSD nc, shellcheck) when they are missing.
deps:
	@bash tests/install-deps.sh

lint:
	@out=$$(gofmt -l cmd internal bench 2>/dev/null); if [ -n "$$out" ]; then echo "gofmt would change: $$out" >&2; exit 1; fi
	shellcheck $(SHELL_FILES)

vet:
	$(GO) vet ./...

gotest:
	$(GO) test ./...

bats: build
	bats tests/bats

test: deps lint vet gotest bats

install: build
	install -d $(DESTDIR)$(BINDIR)
	for b in $(BINS); do install -m 0755 bin/$$b $(DESTDIR)$(BINDIR)/$$b; done
	install -d $(DESTDIR)$(SHAREDIR)/scripts
	install -m 0755 $(filter-out scripts/nckit-common.sh,$(SCRIPTS)) $(DESTDIR)$(SHAREDIR)/scripts/
	install -m 0644 scripts/nckit-common.sh $(DESTDIR)$(SHAREDIR)/scripts/

uninstall:
	for b in $(BINS); do rm -f $(DESTDIR)$(BINDIR)/$$b; done
	rm -rf $(DESTDIR)$(SHAREDIR)

clean:
	rm -rf bin

demo: build
	@bash tests/demo.sh

bench: build
	cd bench && $(GO) vet ./... && $(GO) test ./...
	@bash tests/install-deps.sh
	@bash bench/run.sh
