# blue: every target sets itself up (Debian packages, configure, build) and is safe to run again.
#   make demo   train and deconvolve on the example data shipped in examples/, print where results are
#   make test   build and run the whole test suite (ctest + GoogleTest)
#   make bench  build the benchmark programs (run them as README.md says)
#   make fuzz   build the libFuzzer targets of the readers with clang and run each for FUZZ_SECONDS
#   make test-sanitize  the test suite built with AddressSanitizer and UndefinedBehaviorSanitizer

BUILD   ?= build
JOBS    ?= $(shell nproc)
DEBS     = cmake g++ make pkg-config libtorch-dev libopenblas0-openmp libhdf5-dev libeigen3-dev \
           zlib1g-dev libcli11-dev nlohmann-json3-dev libfmt-dev libspdlog-dev libgtest-dev \
           libbenchmark-dev
TEST_DEBS = chromium
FUZZ_DEBS = clang libclang-rt-14-dev libomp-14-dev
FUZZ_SECONDS ?= 60
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
STAMP    = $(BUILD)/.deps-installed
TEST_STAMP = $(BUILD)/.test-deps-installed
FUZZ_STAMP = $(BUILD)/.fuzz-deps-installed

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

.PHONY: all deps configure build test demo bench clean test-sanitize fuzz

all: build

$(STAMP):
	$(call install_debs,$(DEBS))

# The report's browser test renders HTML in headless Chromium.
$(TEST_STAMP):
	$(call install_debs,$(TEST_DEBS))

# libFuzzer targets for the readers are built with clang.
$(FUZZ_STAMP):
	$(call install_debs,$(FUZZ_DEBS))

deps: $(STAMP)

$(BUILD)/CMakeCache.txt: $(STAMP) CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

configure: $(BUILD)/CMakeCache.txt

build: configure
	cmake --build $(BUILD) -j $(JOBS)

test: build $(TEST_STAMP)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	bash scripts/demo.sh $(BUILD)/blue

bench: build

test-sanitize: $(STAMP)
	cmake -S . -B $(BUILD)-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBLUE_SANITIZE=ON -DBLUE_BUILD_BENCH=OFF
	cmake --build $(BUILD)-sanitize -j $(JOBS)
	cd $(BUILD)-sanitize && ctest --output-on-failure -j $(JOBS)

fuzz: $(STAMP) $(FUZZ_STAMP)
	bash fuzz/run.sh $(FUZZ_SECONDS) $(BUILD)-fuzz

clean:
	rm -rf $(BUILD) $(BUILD)-sanitize
