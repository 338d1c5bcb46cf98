# Thin wrapper over Meson: `make demo` and `make check` are the two commands of the README.
BUILDDIR ?= build
MESON_OPTS ?=

.PHONY: all deps build demo check unit sanitize integration conformance fuzz clients stress bench install \
	clean format

all: build

deps:
	@scripts/install-deps.sh

$(BUILDDIR)/build.ninja:
	meson setup $(BUILDDIR) $(MESON_OPTS)

build: deps $(BUILDDIR)/build.ninja
	ninja -C $(BUILDDIR)

demo: build
	@scripts/demo.sh $(BUILDDIR)

check: build
	@tests/run-all.sh $(BUILDDIR)

unit: build
	@tests/run-all.sh $(BUILDDIR) unit

integration: build
	@tests/run-all.sh $(BUILDDIR) integration

conformance: build
	@tests/run-all.sh $(BUILDDIR) conformance

sanitize: build
	@tests/run-all.sh $(BUILDDIR) sanitize

fuzz: build
	@tests/run-all.sh $(BUILDDIR) fuzz

clients: build
	@tests/run-all.sh $(BUILDDIR) clients

stress: build
	@tests/run-all.sh $(BUILDDIR) stress

bench: build
	@bench/lifecycle.sh $(BUILDDIR)/src/rune/rune

install: build
	meson install -C $(BUILDDIR)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILDDIR)
