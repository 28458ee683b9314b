# nckit: four small filters (ncl, ncc, ncenc, ncdec) and the scripts built on them.
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
SHAREDIR ?= $(PREFIX)/share/nckit
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
GO      ?= go
BINS    := ncl ncc ncenc ncdec
SCRIPTS := $(wildcard scripts/*.sh)
# the scripts a user runs (nckit-common.sh is sourced by them, never run)
TOOLS   := $(notdir $(filter-out scripts/nckit-common.sh,$(SCRIPTS)))
MAN1    := man/ncl.1 man/ncc.1 man/ncenc.1 man/ncdec.1
MAN7    := man/nckit.7
SHELL_FILES = $(SCRIPTS) $(wildcard tests/bats/*.bash tests/*.sh tests/fixtures/*/*.sh bench/*.sh) \
	completions/nckit.bash .ci/run

.PHONY: all build deps lint man vet gotest bats test install uninstall clean demo bench fuzz

all: build

build:
	@mkdir -p bin
	$(GO) build -trimpath -tags urfave_cli_no_docs -o bin/ ./cmd/...

# deps installs the test peers (bats, openssl, OpenBSD nc, shellcheck) when they are missing.
deps:
	@bash tests/install-deps.sh

lint: man
	@out=$$(gofmt -l cmd internal bench 2>/dev/null); if [ -n "$$out" ]; then echo "gofmt would change: $$out" >&2; exit 1; fi
	shellcheck $(SHELL_FILES)

# man lints the man pages (mandoc -T lint, warnings are errors) and renders each one.
man:
	mandoc -T lint -W warning $(MAN1) $(MAN7)
	@for m in $(MAN1) $(MAN7); do mandoc -T utf8 $$m >/dev/null || exit 1; done

vet:
	$(GO) vet ./...

gotest:
	$(GO) test ./...

bats: build
	bats tests/bats

test: deps lint vet gotest bats

# install puts the scripts in SHAREDIR with their shared file, and a link to each in BINDIR so
# that they are on PATH; the scripts find nckit-common.sh through the link.
install: build
	install -d $(DESTDIR)$(BINDIR)
	for b in $(BINS); do install -m 0755 bin/$$b $(DESTDIR)$(BINDIR)/$$b; done
	install -d $(DESTDIR)$(SHAREDIR)/scripts
	install -m 0755 $(addprefix scripts/,$(TOOLS)) $(DESTDIR)$(SHAREDIR)/scripts/
	install -m 0644 scripts/nckit-common.sh $(DESTDIR)$(SHAREDIR)/scripts/
	for s in $(TOOLS); do ln -sf $(SHAREDIR)/scripts/$$s $(DESTDIR)$(BINDIR)/$$s; done
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 0644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(MAN7) $(DESTDIR)$(MANDIR)/man7/
	install -d $(DESTDIR)$(BASHCOMPDIR)
	for b in $(BINS); do install -m 0644 completions/nckit.bash $(DESTDIR)$(BASHCOMPDIR)/$$b; done

uninstall:
	for b in $(BINS) $(TOOLS); do rm -f $(DESTDIR)$(BINDIR)/$$b; done
	rm -rf $(DESTDIR)$(SHAREDIR)
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN1)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man7/,$(notdir $(MAN7)))
	for b in $(BINS); do rm -f $(DESTDIR)$(BASHCOMPDIR)/$$b; done

clean:
	rm -rf bin

demo: build
	@bash tests/demo.sh

bench: build
	@bash tests/install-deps.sh
	@bash bench/run.sh
