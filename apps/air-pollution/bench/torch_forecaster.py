#!/usr/bin/env python3
"""PyTorch peer of the air-pollution training bench (apps/air-pollution/src/bench): the app's MLP forecaster with the
`mae` objective, timed the way the runtime trainer times it.

Model (the layer sizes of createForecastModel, kind "mlp"): a shared trunk of `layers` x Linear(hidden) + ReLU over the
flattened window [history * features], then a weather head and a pollutant head, each Linear(headHidden) + ReLU ->
Linear(outputs); output = [weather head | pollutant head]. Glorot-uniform weights, zero biases.
Loss: masked MAE of each head, summed: sum(m * |y_hat - y|) / sum(m) per head (0 when nothing is observed), targets and
mask gathered from the horizon-major target order [h * V + v] (weather variables first) into each head's columns.
Optimiser: Adam (lr 1e-3, betas 0.9/0.999, eps 1e-7 as tfjs).
Data: `steps * batch` windows of standard-normal noise, 2 % of the targets missing (mask 0) - throughput does not
depend on the values.
Timing: one untimed warm-up epoch, then `repetitions` epochs of `steps` steps (shuffled order); each step is timed from
the batch gather by index to the loss read back (`loss.item()`), as the runtime trainer's step time; samples/s of an
epoch = its rows / the sum of its step times; the median over epochs is reported.

Run it once per thread count, with OMP_NUM_THREADS / OPENBLAS_NUM_THREADS / MKL_NUM_THREADS set by the caller before
Python starts; the script also calls torch.set_num_threads(--threads).
Prints one JSON line on stdout: {"backend": "torch", "threads": 1, "samplesPerSec": ..., ...}, or
{"backend": "torch", "threads": N, "error": "..."} when torch cannot be imported or the run fails.

Usage: python3 torch_forecaster.py --threads 1 [--history 48 --features 19 --weather 5 --pollutants 6 --horizons 3
         --hidden 64 --layers 2 --head-hidden 32 --batch 256 --steps 20 --repetitions 5 --seed 1]
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.realpath(__file__)), "../../../packages/bench-kit/python"))
import peer_support  # noqa: E402  (found relative to this file)

# The command line: --name and its default; every integer option but --weather (>= 0) and --seed must be >= 1.
INT_OPTIONS = (("threads", 1), ("history", 48), ("features", 19), ("weather", 5), ("pollutants", 6), ("horizons", 3),
               ("hidden", 64), ("layers", 2), ("head-hidden", 32), ("batch", 256), ("steps", 20), ("repetitions", 5),
               ("seed", 1))
FLOAT_OPTIONS = (("learning-rate", 1e-3), ("missing-rate", 0.02))


def parse_args(argv):
    parser, args = peer_support.parse_options(argv, __doc__, INT_OPTIONS, FLOAT_OPTIONS, unchecked=("weather", "seed"))
    peer_support.require_at_least(parser, args, ("weather",), minimum=0)
    return args


def build(torch, args):
    nn = torch.nn
    horizons, weather, pollutants = args.horizons, args.weather, args.pollutants
    variables = weather + pollutants

    def linear(fan_in, units):
        layer = nn.Linear(fan_in, units)
        nn.init.xavier_uniform_(layer.weight)
        nn.init.zeros_(layer.bias)
        return layer

    def head(outputs):
        return nn.Sequential(linear(args.hidden, args.head_hidden), nn.ReLU(), linear(args.head_hidden, outputs))

    class Forecaster(nn.Module):
        def __init__(self):
            super().__init__()
            trunk, fan_in = [], args.history * args.features
            for _ in range(args.layers):
                trunk += [linear(fan_in, args.hidden), nn.ReLU()]
                fan_in = args.hidden
            self.trunk = nn.Sequential(*trunk)
            self.weather = head(horizons * weather) if weather > 0 else None
            self.pollutant = head(horizons * pollutants)

        def forward(self, x):
            features = self.trunk(x)
            pollutant = self.pollutant(features)
            return pollutant if self.weather is None else torch.cat([self.weather(features), pollutant], dim=1)

    # Target index h * V + v of each head element, in head order (horizon-major over the head's own variables).
    weather_index = torch.tensor([h * variables + w for h in range(horizons) for w in range(weather)], dtype=torch.long)
    pollutant_index = torch.tensor([h * variables + weather + p for h in range(horizons) for p in range(pollutants)],
                                   dtype=torch.long)

    def head_mae(targets, predictions, mask):
        observed = mask.sum()
        total = (mask * (predictions - targets).abs()).sum()
        return torch.where(observed > 0, total / observed.clamp_min(1e-12), torch.zeros_like(total))

    def loss_fn(predictions, targets, mask):
        w_out = horizons * weather
        loss = head_mae(targets.index_select(1, pollutant_index), predictions[:, w_out:],
                        mask.index_select(1, pollutant_index))
        if weather > 0:
            loss = loss + head_mae(targets.index_select(1, weather_index), predictions[:, :w_out],
                                   mask.index_select(1, weather_index))
        return loss

    return Forecaster(), loss_fn


def measure(torch, args):
    generator = torch.Generator().manual_seed(args.seed)
    torch.manual_seed(args.seed)
    rows = args.steps * args.batch
    width = args.horizons * (args.weather + args.pollutants)
    inputs = torch.randn(rows, args.history * args.features, generator=generator)
    mask = (torch.rand(rows, width, generator=generator) >= args.missing_rate).float()
    targets = torch.randn(rows, width, generator=generator) * mask
    model, loss_fn = build(torch, args)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.learning_rate, betas=(0.9, 0.999), eps=1e-7)

    def loss_of(index):
        return loss_fn(model(inputs[index]), targets[index], mask[index])

    rates, epoch_losses = peer_support.timed_epochs(torch, optimizer, rows, args.batch, args.steps, args.repetitions,
                                                    args.seed, loss_of, rows)
    return {
        **peer_support.timing_fields("samplesPerSec", rates, epoch_losses, args.steps, args.batch),
        "parameterCount": sum(p.numel() for p in model.parameters()),
    }


def main(argv):
    args = parse_args(argv)
    record = {"backend": "torch", "threads": args.threads, "batchSize": args.batch}
    return peer_support.run_single_peer(record, args.threads, lambda torch: measure(torch, args))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
