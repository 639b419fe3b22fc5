# gotc — build, test, demo and benchmark.
# `make demo` and `make test` are the two commands a newcomer needs.

GO        ?= go
BIN       := build/bin
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X github.com/gotc-project/gotc/internal/cli.Version=$(VERSION)
FUZZTIME  ?= 10s
DEMO      := build/demo

.PHONY: all build test unit lint fmt-check vet tidy-check fuzz demo bench regen install rpm deps clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN)/ ./cmd/gotc-spec ./cmd/gotc-rpm

## deps: install the real RPM tools the tests and the demo judge against
deps:
	bash tests/install-deps.sh

## test: every test, with the real tools — what CI runs
test: deps fmt-check vet tidy-check lint
	$(GO) test -count=1 -timeout 40m ./...
	$(MAKE) fuzz

## unit: the fast tests only
unit:
	$(GO) test -short ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

lint:
	$(GO) run $(STATICCHECK) ./...

## tidy-check: fails when go mod tidy would change go.mod or go.sum;
## changes nothing itself
tidy-check:
	@$(GO) mod tidy -diff >build-tidy.diff 2>&1 || { cat build-tidy.diff; rm -f build-tidy.diff; echo "go mod tidy changes go.mod/go.sum: run it and commit"; exit 1; }; rm -f build-tidy.diff

## fuzz: a short pass over every fuzz target. A run that ends in the fuzz
## engine's own "context deadline exceeded" without a failing input
## (a known flake of go test -fuzz at -fuzztime on a busy machine) is
## retried, up to three runs; any other failure fails the target.
fuzz:
	@$(GO) list -f '{{.Dir}} {{.ImportPath}}' ./... | while read dir pkg; do \
	  for f in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$dir/*_test.go 2>/dev/null | sed 's/^func //'); do \
	    echo "fuzz $$pkg $$f ($(FUZZTIME))"; \
	    for try in 1 2 3; do \
	      if $(GO) test -run=NONE -fuzz="^$$f\$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=50x $$pkg >build-fuzz.log 2>&1; then break; fi; \
	      if [ $$try != 3 ] && grep -q 'context deadline exceeded' build-fuzz.log && ! grep -q 'Failing input written' build-fuzz.log; then echo "  retrying: fuzz engine deadline flake"; continue; fi; \
	      grep -v 'elapsed:' build-fuzz.log | tail -30; rm -f build-fuzz.log; exit 1; \
	    done; \
	  done; \
	done || exit 1; rm -f build-fuzz.log

## demo: build the tools, make upstream-shaped tarballs of this machine's
## Go toolchain and go1.27.3, pin them into the example config, generate
## and lint the specs and build the RPMs with rpmbuild
demo: deps build
	bash tests/demo.sh $(DEMO)

## bench: native build vs rpmbuild vs the physical floor (not a test)
bench: deps build
	bash tests/bench.sh

## regen: regenerate what the repository ships: for examples/gotc.yaml
## macros/macros.gotc and mock-configs/; from the help and docs/ the man
## pages (man/) and shell completions (completions/); from package
## rpmlintcfg the rpmlint filters (rpmlint/gotc-toolchain.toml) and their
## golden files. The tests fail when any is stale.
regen: build
	$(BIN)/gotc-spec macros -c examples/gotc.yaml -o macros/macros.gotc
	$(BIN)/gotc-spec mock -c examples/gotc.yaml -o mock-configs
	$(GO) test ./cmd/... -run 'TestManPage|TestCompletions' -count=1 -update
	$(GO) test ./rpmlintcfg -run 'TestShippedConfig|TestRCGolden' -count=1 -update

PREFIX ?= /usr/local
## UNITDIR: systemd looks for system units in /usr/lib/systemd/system
## (PREFIX=/usr) and /usr/local/lib/systemd/system (the default PREFIX);
## set it for any other PREFIX
UNITDIR ?= $(PREFIX)/lib/systemd/system

## install: the commands, man pages, shell completions, the rpmlint
## filters for toolchain packages and the systemd units
## (gotc-selfcheck.service and .timer, their ExecStart pointed at
## $(PREFIX)/bin/gotc-rpm) under $(DESTDIR)$(PREFIX)
install: build
	install -D -m 0755 $(BIN)/gotc-spec $(DESTDIR)$(PREFIX)/bin/gotc-spec
	install -D -m 0755 $(BIN)/gotc-rpm $(DESTDIR)$(PREFIX)/bin/gotc-rpm
	install -D -m 0644 -t $(DESTDIR)$(PREFIX)/share/man/man1 man/gotc-spec.1 man/gotc-rpm.1
	install -D -m 0644 -t $(DESTDIR)$(PREFIX)/share/man/man5 man/gotc.yaml.5
	install -D -m 0644 completions/gotc-spec.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/gotc-spec
	install -D -m 0644 completions/gotc-rpm.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/gotc-rpm
	install -D -m 0644 -t $(DESTDIR)$(PREFIX)/share/zsh/site-functions completions/_gotc-spec completions/_gotc-rpm
	install -D -m 0644 -t $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d completions/gotc-spec.fish completions/gotc-rpm.fish
	mkdir -p build/systemd
	sed 's|/usr/bin/gotc-rpm|$(PREFIX)/bin/gotc-rpm|g' systemd/gotc-selfcheck.service > build/systemd/gotc-selfcheck.service
	install -D -m 0644 -t $(DESTDIR)$(UNITDIR) build/systemd/gotc-selfcheck.service systemd/gotc-selfcheck.timer
	install -D -m 0644 -t $(DESTDIR)$(PREFIX)/share/gotc/rpmlint rpmlint/gotc-toolchain.toml

## rpm: gotc's own package, built by rpmbuild from the last commit (its
## gotc.spec, a git archive of HEAD and a tarball of its vendored
## modules), offline.
## rpmbuild runs with --nodeps: the Go it builds with comes from Debian
## (or wherever), not from an RPM its database knows.
RPMDIR := build/rpm
rpm: deps
	bash tests/make-rpm.sh $(RPMDIR)

clean:
	rm -rf build
