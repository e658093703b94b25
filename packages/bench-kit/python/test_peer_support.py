"""Tests of peer_support.py (run by src/peer-support-python.test.ts: `python3 -m unittest test_peer_support` here).
torch is replaced by a small stand-in module, so these run on any Python 3 without torch."""
import contextlib
import io
import json
import os
import sys
import types
import unittest
from unittest import mock

import peer_support


class FakeLoss:
    def __init__(self, value, log):
        self.value, self.log = value, log

    def backward(self):
        self.log.append("backward")

    def item(self):
        return self.value


class FakeOptimizer:
    def __init__(self, log):
        self.log = log

    def zero_grad(self, set_to_none):
        self.log.append(f"zero_grad({set_to_none})")

    def step(self):
        self.log.append("step")


class FakeGenerator:
    def manual_seed(self, seed):
        self.seed = seed
        return self


def fake_torch(threads=3, version="9.9"):
    """A module with what peer_support calls on torch: Generator, randperm (reversed rows), set/get_num_threads."""
    module = types.ModuleType("torch")
    module.__version__ = version
    module.Generator = FakeGenerator
    module.randperm = lambda rows, generator: list(reversed(range(rows)))
    module.set_num_threads = lambda n: setattr(module, "requested_threads", n)
    module.get_num_threads = lambda: threads
    return module


def run_printing(function, *args):
    """Calls function(*args) and returns (its result, the JSON lines it printed, parsed)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = function(*args)
    return result, [json.loads(line) for line in out.getvalue().splitlines()]


class OptionChecks(unittest.TestCase):
    ints = (("threads", 1), ("head-hidden", 32), ("weather", 5), ("seed", 1))

    def parse(self, argv, **kwargs):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            try:
                return peer_support.parse_options(argv, "peer", self.ints, (("learning-rate", 1e-3),), **kwargs), ""
            except SystemExit as stopped:
                self.assertEqual(stopped.code, 2)
                return None, err.getvalue()

    def test_defaults_and_types(self):
        (_, args), _ = self.parse(["--head-hidden", "7", "--learning-rate", "0.5", "--seed", "0"])
        self.assertEqual((args.threads, args.head_hidden, args.weather, args.seed, args.learning_rate),
                         (1, 7, 5, 0, 0.5))

    def test_names_the_first_int_option_below_one_except_the_unchecked(self):
        stopped = self.parse(["--head-hidden", "0", "--weather", "0"])[1]
        self.assertIn("error: --head-hidden must be >= 1, got 0", stopped)
        self.assertIn("error: --weather must be >= 1, got 0", self.parse(["--weather", "0"])[1])
        (parser, args), _ = self.parse(["--weather", "-1"], unchecked=("weather", "seed"))
        err = io.StringIO()
        with contextlib.redirect_stderr(err), self.assertRaises(SystemExit):
            peer_support.require_at_least(parser, args, ("weather",), minimum=0)
        self.assertIn("--weather must be >= 0, got -1", err.getvalue())
        peer_support.require_at_least(parser, parser.parse_args(["--weather", "0"]), ("weather",), minimum=0)


class Blas(unittest.TestCase):
    def test_paths_are_real_sorted_blas_libraries(self):
        paths = peer_support.loaded_blas()
        self.assertEqual(paths, sorted(paths))
        for path in paths:
            self.assertEqual(path, os.path.realpath(path))
            self.assertRegex(os.path.basename(path), r"^lib(open)?blas|^libblis|^libmkl")

    def test_no_core_without_an_openblas_library(self):
        self.assertIsNone(peer_support.openblas_core([]))
        self.assertIsNone(peer_support.openblas_core(["/nonexistent/libopenblas.so"]))
        with mock.patch.object(peer_support, "loaded_blas", return_value=["/nonexistent/libblas.so.3"]):
            self.assertEqual(peer_support.blas_fields(), {"blas": ["/nonexistent/libblas.so.3"]})

    def test_core_when_openblas_answers(self):
        with mock.patch.object(peer_support, "loaded_blas", return_value=["/a.so"]), \
                mock.patch.object(peer_support, "openblas_core", return_value="Haswell"):
            self.assertEqual(peer_support.blas_fields(), {"blas": ["/a.so"], "openblasCore": "Haswell"})


class Timing(unittest.TestCase):
    def test_warm_up_then_timed_epochs_of_shuffled_batches(self):
        log, batches = [], []

        def loss_of(index):
            batches.append(list(index))
            log.append("loss")
            return FakeLoss(float(len(batches)), log)

        rates, losses = peer_support.timed_epochs(fake_torch(), FakeOptimizer(log), 6, 2, 3, 2, 1, loss_of, 60)
        self.assertEqual(len(rates), 2)
        self.assertTrue(all(rate > 0 for rate in rates))
        # 3 epochs (warm-up + 2) of 3 steps; every epoch covers the 6 rows in the generator's order
        self.assertEqual(batches, [[5, 4], [3, 2], [1, 0]] * 3)
        self.assertEqual(losses, [2.0, 5.0, 8.0])
        self.assertEqual(log[:4], ["zero_grad(True)", "loss", "backward", "step"])
        self.assertEqual(len(log), 4 * 9)

    def test_fields_from_rates_and_losses(self):
        fields = peer_support.timing_fields("tokensPerSec", [300.0, 100.0, 200.0], [3.14159, 2.0, 1.23456], 4, 10)
        self.assertEqual(list(fields), ["tokensPerSec", "stepMs", "repetitions", "stepsPerRepetition", "spread",
                                        "firstLoss", "lastLoss"])
        self.assertEqual(fields, {"tokensPerSec": 200.0, "stepMs": 50.0, "repetitions": 3, "stepsPerRepetition": 4,
                                  "spread": 1.0, "firstLoss": 3.1416, "lastLoss": 1.2346})


class SinglePeer(unittest.TestCase):
    env = {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2"}

    def run_peer(self, torch_module, measure):
        with mock.patch.dict(sys.modules, {"torch": torch_module}), mock.patch.dict(os.environ, self.env), \
                mock.patch.object(peer_support, "blas_fields", return_value={"blas": ["/b.so"]}):
            for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
                os.environ.pop(name, None)
            return run_printing(peer_support.run_single_peer, {"backend": "torch", "threads": 2, "batchSize": 4}, 2,
                                measure)

    def test_measured_record(self):
        torch = fake_torch(threads=3)
        status, lines = self.run_peer(torch, lambda t: {"samplesPerSec": 5.0, "seen": t.__version__})
        self.assertEqual(status, 0)
        self.assertEqual(torch.requested_threads, 2)
        self.assertEqual(lines, [{"backend": "torch", "threads": 3, "batchSize": 4, "samplesPerSec": 5.0,
                                  "seen": "9.9", "torch": "9.9", "blas": ["/b.so"],
                                  "env": {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2",
                                          "OPENBLAS_CORETYPE": None, "OPENBLAS_L2_SIZE": None}}])
        self.assertEqual(list(lines[0]), ["backend", "threads", "batchSize", "samplesPerSec", "seen", "torch", "blas",
                                          "env"])

    def test_failed_measurement(self):
        def measure(_):
            raise RuntimeError("boom")

        status, lines = self.run_peer(fake_torch(), measure)
        self.assertEqual(status, 1)
        self.assertEqual(lines[0]["error"], "RuntimeError: boom")
        self.assertEqual(lines[0]["env"]["OMP_NUM_THREADS"], "2")

    def test_torch_that_cannot_be_imported(self):
        status, lines = self.run_peer(None, lambda t: {})
        self.assertEqual(status, 1)
        self.assertEqual(list(lines[0]), ["backend", "threads", "batchSize", "error"])
        self.assertRegex(lines[0]["error"], r"^torch cannot be imported: (ModuleNotFound|Import)Error: ")


if __name__ == "__main__":
    unittest.main()
