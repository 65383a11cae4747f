#!/usr/bin/env bash
# What ran on a lent GPU machine (16 cores, one NVIDIA GPU, no network), in one
# call: its environment, the Array API tests with CUDA devices, bench_gpu.py,
# bench_fit.py pinned to two physical cores (the "2 cores, AVX-512" reference
# machine; SKIP_TWO_CORES=1 skips it), and bench_threads.py from 1 to 16 BLAS
# threads. Wheels the machine lacks travel in .whl/ (scikit-learn
# 1.9.1, array-api-compat, array-api-strict). Logs and results go to $OUT.
# About five minutes on an H100 machine, from its parts' runs there (the
# script as it stands was not run end to end: bench_gpu.py, then at three
# rounds, ran out of its time limit in the first try).
#
#     OUT=/tmp/out DRY=1 PYTHON=$PWD/.venv/bin/python bash benchmarks/on_gpu_machine.sh   # a quick dry run anywhere
set -u
cd "$(dirname "$0")/.."
export PYTHONUNBUFFERED=1 SCIPY_ARRAY_API=1
OUT=${OUT:?set OUT to a folder for the logs}
python=${PYTHON:-python3}
if [ -d .whl ]; then
    "$python" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
        --target /tmp/site .whl/*.whl && export PYTHONPATH=/tmp/site
fi
export PYTHONPATH="${PYTHONPATH:+$PYTHONPATH:}$PWD"

{
    date -u
    nproc
    lscpu
    lscpu -e
    nvidia-smi -L
    "$python" -c "import numpy, scipy, sklearn; print(numpy.__version__, scipy.__version__, sklearn.__version__); numpy.show_config()"
    "$python" -c "import numpy, scipy.linalg, threadpoolctl, pprint; pprint.pprint(threadpoolctl.threadpool_info())"
} >"$OUT/environment.txt" 2>&1

# Two logical CPUs on distinct physical cores.
two_cores=$(lscpu -p=CPU,CORE | grep -v '^#' | awk -F, '!seen[$2]++ {print $1}' | head -2 | paste -sd,)
echo "two cores: $two_cores" | tee -a "$OUT/environment.txt"

if [ -n "${DRY:-}" ]; then
    fit_args=(--quick --repeats 1 --problem wide --dtype float32)
    gpu_args=(--device cpu --rows 20000 --hidden 128 --repeats 1)
    threads_args=(--threads 1 2 --repeats 1 --problem wide)
else
    fit_args=(--repeats 3)
    gpu_args=(--repeats 2)
    threads_args=(--threads 1 2 4 8 16 --repeats 2)
fi

echo "== Array API tests"
timeout 150 "$python" -m pytest -q -p no:cacheprovider -rs tests/test_array_api.py \
    >"$OUT/tests_array_api.log" 2>&1
echo "exit $?"; tail -3 "$OUT/tests_array_api.log"

if [ -z "${SKIP_TWO_CORES:-}" ]; then
echo "== bench_fit.py on two cores ($two_cores)"
(cd benchmarks && OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 \
    timeout 250 taskset -c "$two_cores" "$python" bench_fit.py "${fit_args[@]}") \
    >"$OUT/bench_fit_two_cores.log" 2>&1
echo "exit $?"; grep -E "^(fit|     floor|predict)" "$OUT/bench_fit_two_cores.log"
fi

echo "== bench_threads.py: seconds per epoch at 1 to 16 BLAS threads"
(cd benchmarks && timeout 200 "$python" bench_threads.py "${threads_args[@]}") \
    >"$OUT/bench_threads.log" 2>&1
echo "exit $?"; cat "$OUT/bench_threads.log"

echo "== bench_gpu.py"
(cd benchmarks && timeout 300 "$python" bench_gpu.py "${gpu_args[@]}") >"$OUT/bench_gpu.log" 2>&1
echo "exit $?"; tail -4 "$OUT/bench_gpu.log"

find benchmarks/results -name '*.json' -newer "$OUT/environment.txt" -exec cp {} "$OUT/" \;
ls "$OUT"
