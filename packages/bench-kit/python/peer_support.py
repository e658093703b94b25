"""What every Counterweight PyTorch peer script shares (apps/*/bench/*.py, tools/train-bench/bench/torch_workloads.py):
the command line and its checks, the BLAS libraries torch loaded, the seeded timed-epoch loop, the timing fields of a
record, and the one JSON line a peer prints per thread count (read by runPeerScript in
packages/bench-kit/src/peer-script.ts).

A script finds this module relative to its own file, before importing it:

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), "../../../packages/bench-kit/python"))
    import peer_support

Nothing here imports torch at module level: torch must be imported after the caller (runPeerScript) has set
OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / MKL_NUM_THREADS, so every function that needs it takes the module.
"""
import argparse
import json
import os
import re
import statistics
import time

# The environment variables a single-run peer reports back under "env": the thread counts it ran with and the
# OpenBLAS overrides (runPeerScript removes the latter, so they read null).
REPORTED_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def parse_options(argv, description, ints, floats=(), unchecked=("seed",)):
    """Parses a peer's command line: `--name` (int) for each (name, default) of `ints` and (float) of `floats`, in
    that order, the description shown raw by --help; then stops with parser.error (exit 2, "--name must be >= 1, got
    value") at the first int option below 1, except those named in `unchecked`. Returns (parser, args), the parser
    for the caller's own checks."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    for kind, options in ((int, ints), (float, floats)):
        for name, default in options:
            parser.add_argument(f"--{name}", type=kind, default=default)
    args = parser.parse_args(argv)
    require_at_least(parser, args, [name.replace("-", "_") for name, _ in ints if name not in unchecked])
    return parser, args


def require_at_least(parser, args, names, minimum=1):
    """Stops with parser.error("--name must be >= minimum, got value") on the first option of `names` (attribute
    names, `_` for `-`) whose value is below `minimum`."""
    for name in names:
        value = getattr(args, name)
        if value < minimum:
            parser.error(f"--{name.replace('_', '-')} must be >= {minimum}, got {value}")


def loaded_blas():
    """Real paths of the BLAS libraries mapped into this process, sorted (Debian's torch calls whatever libblas.so.3
    the alternatives system points to: the slow reference BLAS unless OpenBLAS, BLIS or MKL is installed); [] when
    /proc/self/maps cannot be read."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {line.split()[-1] for line in maps if "/" in line}
    except OSError:
        return []
    pattern = re.compile(r"^lib(open)?blas|^libblis|^libmkl")
    return sorted({os.path.realpath(p) for p in paths if pattern.search(os.path.basename(p))})


def openblas_core(paths):
    """OpenBLAS's name for the kernels it chose (e.g. "Haswell", "SkylakeX"; "Prescott" means generic SSE3 kernels,
    which OpenBLAS 0.3.21 picks for CPUs it does not know - override with OPENBLAS_CORETYPE), from the first of
    `paths` that exports openblas_get_corename; None when none does."""
    import ctypes

    for path in paths:
        try:
            get_corename = ctypes.CDLL(path).openblas_get_corename
        except (OSError, AttributeError):
            continue
        get_corename.restype = ctypes.c_char_p
        return get_corename().decode()
    return None


def blas_fields():
    """{"blas": loaded_blas()} plus "openblasCore" (openblas_core) when OpenBLAS is among them."""
    blas = loaded_blas()
    fields = {"blas": blas}
    core = openblas_core(blas)
    if core is not None:
        fields["openblasCore"] = core
    return fields


def error_text(error):
    """An exception as one line: "TypeName: message"."""
    return f"{type(error).__name__}: {error}"


def print_record(record):
    """Prints `record` as one JSON line on stdout, flushed (the line runPeerScript parses)."""
    print(json.dumps(record), flush=True)


def timed_epochs(torch, optimizer, rows, batch, steps, repetitions, seed, loss_of, units_per_epoch):
    """Runs one untimed warm-up epoch, then `repetitions` timed epochs of `steps` steps, as the runtime trainer times
    training. Each epoch draws a fresh order of the `rows` rows (torch.randperm from one generator seeded `seed + 1`);
    a step takes the next `batch` indices, zeroes the gradients, calls `loss_of(index)` (gather the batch by index and
    return the loss tensor), back-propagates, steps `optimizer` and reads the loss back (`loss.item()`); it is timed
    from taking the indices to the read-back. Returns (rates, epoch_losses): `units_per_epoch` / the sum of an epoch's
    step times for each timed epoch, and the mean loss of every epoch, the warm-up first."""
    shuffle = torch.Generator().manual_seed(seed + 1)
    epoch_losses = []

    def epoch():
        order = torch.randperm(rows, generator=shuffle)
        seconds, loss_sum = 0.0, 0.0
        for step in range(steps):
            started = time.perf_counter()
            index = order[step * batch:(step + 1) * batch]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_of(index)
            loss.backward()
            optimizer.step()
            value = loss.item()
            seconds += time.perf_counter() - started
            loss_sum += value
        epoch_losses.append(loss_sum / steps)
        return units_per_epoch / seconds

    epoch()  # warm-up: allocations, optimiser state
    rates = [epoch() for _ in range(repetitions)]
    return rates, epoch_losses


def timing_fields(rate_name, rates, epoch_losses, steps, units_per_step):
    """The timing part of a peer record, in this order: `rate_name` (the median of `rates`, 0.1 precision), "stepMs"
    (1000 * units_per_step / that median), "repetitions" (len(rates)), "stepsPerRepetition" (`steps`), "spread"
    ((max - min) / median), "firstLoss" and "lastLoss" (the first and last of `epoch_losses`, 4 decimals)."""
    median = statistics.median(rates)
    return {
        rate_name: round(median, 1),
        "stepMs": round(1000 * units_per_step / median, 3),
        "repetitions": len(rates),
        "stepsPerRepetition": steps,
        "spread": round((max(rates) - min(rates)) / median, 3),
        "firstLoss": round(epoch_losses[0], 4),
        "lastLoss": round(epoch_losses[-1], 4),
    }


def run_single_peer(record, threads, measure):
    """The main of a peer that measures once per process: imports torch (after the caller set the thread variables),
    calls torch.set_num_threads(threads), adds measure(torch)'s fields, then "threads" (torch's count), "torch" (its
    version) and blas_fields() to `record`, then "env" (REPORTED_ENV as set, null when unset), and prints it
    (print_record). A failed import gives `record` + "error": "torch cannot be imported: ..." (no "env"); an
    exception while measuring gives "error": error_text (with "env"). Returns the exit status: 0, or 1 on an error."""
    try:
        import torch  # after the caller set the thread variables
    except Exception as error:  # ImportError, or a broken install
        record["error"] = f"torch cannot be imported: {error_text(error)}"
        print_record(record)
        return 1
    status = 0
    try:
        torch.set_num_threads(threads)
        record.update(measure(torch))
        record.update({"threads": torch.get_num_threads(), "torch": torch.__version__, **blas_fields()})
    except Exception as error:
        record["error"] = error_text(error)
        status = 1
    record["env"] = {name: os.environ.get(name) for name in REPORTED_ENV}
    print_record(record)
    return status
