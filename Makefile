# blue: every target sets itself up (Debian packages, configure, build) and is safe to run again.
#   make demo   train and deconvolve on the example data shipped in examples/, print where results are
#   make test   build and run the whole test suite (ctest: GoogleTest and the Python module's pytest suite)
#   make python build the Python module only (build/python/blue; docs/python.md)
#   make bench  build the benchmark programs (run them as docs/benchmarks.md says)
#   make fuzz   build the libFuzzer targets of the readers with clang and run each for FUZZ_SECONDS
#   make test-sanitize  the test suite built with AddressSanitizer and UndefinedBehaviorSanitizer
#   make format-check  check that every C++ file under src tests bench fuzz follows .clang-format (no change)
#   make format  rewrite those files in place as .clang-format says

BUILD   ?= build
JOBS    ?= $(shell nproc)
DEBS     = cmake g++ make pkg-config libtorch-dev libopenblas0-openmp libhdf5-dev libeigen3-dev \
           zlib1g-dev libcli11-dev nlohmann-json3-dev libfmt-dev libspdlog-dev libgtest-dev \
           libbenchmark-dev
TEST_DEBS = chromium python3-anndata
# The Python module (pybind11, Python's headers) and its tests (pytest, anndata, pandas, scipy).
PY_DEBS  = pybind11-dev python3-dev python3-pytest python3-anndata python3-pandas python3-scipy python3-numpy
FUZZ_DEBS = clang libclang-rt-14-dev libomp-14-dev
FORMAT_DEBS = clang-format
FUZZ_SECONDS ?= 60
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMP    = $(BUILD)/.deps-installed
TEST_STAMP = $(BUILD)/.test-deps-installed
PY_STAMP = $(BUILD)/.python-deps-installed
FUZZ_STAMP = $(BUILD)/.fuzz-deps-installed
FORMAT_STAMP = $(BUILD)/.format-deps-installed
# Every C++ file that .clang-format governs (evaluated only by the format targets).
CXX_SOURCES = $(shell find src tests bench fuzz -type f \( -name '*.cpp' -o -name '*.cc' -o -name '*.h' -o -name '*.hpp' \) | sort)

# Installs the Debian packages named in $(1) that are missing (apt-get update once first).
define install_debs
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "[setup] installing Debian packages:" $$missing; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@mkdir -p $(BUILD) && touch $@
endef

# OpenMP threads must sleep when idle: spinning starves the other core of a 2-core machine.
export OMP_WAIT_POLICY = PASSIVE

.PHONY: all deps configure build test test-python python demo bench clean test-sanitize fuzz format-check format

all: build

$(STAMP):
	$(call install_debs,$(DEBS))

# The report's browser test renders HTML in headless Chromium; the .h5ad writer test reads files back with
# Python's anndata (tests only: blue itself needs no Python).
$(TEST_STAMP):
	$(call install_debs,$(TEST_DEBS))

$(PY_STAMP):
	$(call install_debs,$(PY_DEBS))

# libFuzzer targets for the readers are built with clang.
$(FUZZ_STAMP):
	$(call install_debs,$(FUZZ_DEBS))

# clang-format for the format targets (Debian 12: version 14, which reads every key of .clang-format).
$(FORMAT_STAMP):
	$(call install_debs,$(FORMAT_DEBS))

deps: $(STAMP)

$(BUILD)/CMakeCache.txt: $(STAMP) CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

configure: $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

# The Python module is built when CMake finds pybind11 and Python's headers (BLUE_BUILD_PYTHON=AUTO): once its
# packages are installed, the build folder is configured again so that it finds them.
$(BUILD)/.python-configured: $(PY_STAMP) $(BUILD)/CMakeCache.txt
	cmake -S . -B $(BUILD)
	@touch $@

python: $(BUILD)/.python-configured
	cmake --build $(BUILD) --target blue_python -j $(JOBS)

test: $(BUILD)/.python-configured build $(TEST_STAMP)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Only the Python module's tests (they also run the `blue` executable, built first).
test-python: python build
	cd $(BUILD) && ctest --output-on-failure -L python

demo: build
	bash scripts/demo.sh $(BUILD)/blue

bench: build

# Sanitizer settings for every process of the run: blue_tests and the `blue` runs of the CLI tests.
# - exitcode=86, in both variables (UBSan re-reads the common flags from UBSAN_OPTIONS): a finding in a `blue`
#   child process can never pass for one of the exit codes (0-4, 70) that the CLI tests expect.
# - UBSan halts on the first finding (it only prints and goes on by default).
# - allocator_may_return_null=1: malloc returns NULL for an impossible size, as in a normal build (libhdf5
#   asks for 8 TiB on a fuzzed .h5ad and then reports the error); operator new still aborts with a report.
# - Leaks are checked at the exit of every process; tests/lsan.supp lists the only ones suppressed (inside
#   libhdf5). The H5adFuzz* tests run with full unwinding on malloc so that the suppression can name the
#   libhdf5 function (libhdf5 has no frame pointers); the rest keep the fast unwinder (3-5x faster).
SAN_BUILD = $(BUILD)-sanitize
SAN_ASAN  = exitcode=86:allocator_may_return_null=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1
SAN_ENV   = UBSAN_OPTIONS=exitcode=86:halt_on_error=1:print_stacktrace=1 \
            LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp
SAN_SLOW_UNWIND = H5adFuzz

test-sanitize: $(STAMP) $(TEST_STAMP)
	cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBLUE_SANITIZE=ON -DBLUE_BUILD_BENCH=OFF \
	  -DBLUE_BUILD_PYTHON=OFF
	$(SAN_ENV) ASAN_OPTIONS=$(SAN_ASAN) cmake --build $(SAN_BUILD) -j $(JOBS)
	cd $(SAN_BUILD) && $(SAN_ENV) ASAN_OPTIONS=$(SAN_ASAN) \
	  ctest --output-on-failure -j $(JOBS) -E '$(SAN_SLOW_UNWIND)'
	cd $(SAN_BUILD) && $(SAN_ENV) ASAN_OPTIONS=$(SAN_ASAN):fast_unwind_on_malloc=0 \
	  ctest --output-on-failure -j $(JOBS) -R '$(SAN_SLOW_UNWIND)'

fuzz: $(STAMP) $(FUZZ_STAMP)
	bash fuzz/run.sh $(FUZZ_SECONDS) $(BUILD)-fuzz

# Needs no build: lists every line that .clang-format would change and fails if there is one.
format-check: $(FORMAT_STAMP)
	clang-format --dry-run -Werror $(CXX_SOURCES)

format: $(FORMAT_STAMP)
	clang-format -i $(CXX_SOURCES)

clean:
	rm -rf $(BUILD) $(BUILD)-sanitize
