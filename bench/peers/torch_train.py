"""Peers for bench/training-peers.ts: the same networks as the service's, in PyTorch (and the MLP
in scikit-learn), on the same data and settings. One JSON line out: fit seconds and test accuracy.

  /usr/bin/python3 bench/peers/torch_train.py dump FILE                      digits split (seeded), JSON
  /usr/bin/python3 bench/peers/torch_train.py mlp FILE THREADS EPOCHS BATCH   64-64-10 MLP on digits
  /usr/bin/python3 bench/peers/torch_train.py sklearn FILE EPOCHS BATCH       scikit-learn MLPClassifier (64)
  /usr/bin/python3 bench/peers/torch_train.py cnn FILE THREADS EPOCHS BATCH   conv32-pool-conv64-pool-dense64 on digits 8x8
  /usr/bin/python3 bench/peers/torch_train.py transformer|lstm FILE THREADS EPOCHS BATCH   token classifiers (FILE from the bench)
  /usr/bin/python3 bench/peers/torch_train.py ops - THREADS REPEATS 0   per call: the CNN's second convolution, a 512x288x64 product
"""
import json
import sys
import time



def dump(path):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.data / 16.0).tolist()
    x_train, x_test, y_train, y_test = train_test_split(x, digits.target.tolist(), test_size=0.2, random_state=0)
    with open(path, "w") as f:
        json.dump({"xTrain": x_train, "yTrain": y_train, "xTest": x_test, "yTest": y_test}, f)


def load(path):
    with open(path) as f:
        return json.load(f)


def fit(model, x, y, epochs, batch, lr=0.001):
    """Adam on cross-entropy, shuffled mini-batches; returns the seconds the epochs took."""
    import torch

    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    model.train()
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(len(x))
        for i in range(0, len(x), batch):
            idx = order[i : i + batch]
            opt.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()
    return time.perf_counter() - start


def accuracy(model, x, y):
    import torch

    model.eval()
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


def mlp(path, epochs, batch):
    import torch

    d = load(path)
    model = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    seconds = fit(model, torch.tensor(d["xTrain"], dtype=torch.float32), torch.tensor(d["yTrain"], dtype=torch.long), epochs, batch)
    xt = torch.tensor(d["xTest"], dtype=torch.float32)
    return seconds, accuracy(model, xt, torch.tensor(d["yTest"], dtype=torch.long))


def sklearn_fit(path, epochs, batch):
    import warnings
    from sklearn.neural_network import MLPClassifier

    d = load(path)
    model = MLPClassifier(hidden_layer_sizes=(64,), solver="adam", batch_size=batch, max_iter=epochs,
                          learning_rate_init=0.001, alpha=0.0, tol=0.0, n_iter_no_change=epochs + 1, random_state=0)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(d["xTrain"], d["yTrain"])
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "accuracy": model.score(d["xTest"], d["yTest"])}))


def cnn(path, epochs, batch):
    import torch
    from torch import nn

    d = load(path)
    x = torch.tensor(d["xTrain"], dtype=torch.float32).reshape(-1, 1, 8, 8)
    y = torch.tensor(d["yTrain"], dtype=torch.long)
    # As the service builds it: 'same' convolutions with ReLU, 2x2 max pooling ('same': ceil), flatten,
    # dense 64 with dropout 0.25, softmax over 10.
    model = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2, ceil_mode=True),
        nn.Flatten(), nn.Linear(2 * 2 * 64, 64), nn.ReLU(), nn.Dropout(0.25), nn.Linear(64, 10),
    )
    seconds = fit(model, x, y, epochs, batch)
    xt = torch.tensor(d["xTest"], dtype=torch.float32).reshape(-1, 1, 8, 8)
    return seconds, accuracy(model, xt, torch.tensor(d["yTest"], dtype=torch.long))


def text(kind, path, epochs, batch):
    import torch
    from torch import nn

    d = load(path)
    vocab, length, classes = d["vocabSize"], d["maxLength"], d["classes"]

    class Transformer(nn.Module):
        """Token and position embeddings (32), one block: 2-head self-attention and a 64-unit
        feed-forward, each added back and layer-normalised, dropout 0.1; mean over tokens."""

        def __init__(self):
            super().__init__()
            self.tokens = nn.Embedding(vocab, 32)
            self.positions = nn.Embedding(length, 32)
            self.attention = nn.MultiheadAttention(32, 2, batch_first=True)
            self.norm1 = nn.LayerNorm(32, eps=1e-6)
            self.ff = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 32))
            self.norm2 = nn.LayerNorm(32, eps=1e-6)
            self.drop = nn.Dropout(0.1)
            self.head = nn.Linear(32, classes)

        def forward(self, ids):
            x = self.drop(self.tokens(ids) + self.positions(torch.arange(ids.shape[1])))
            x = self.norm1(x + self.drop(self.attention(x, x, x, need_weights=False)[0]))
            x = self.norm2(x + self.drop(self.ff(x)))
            return self.head(self.drop(x.mean(1)))

    class Lstm(nn.Module):
        """Embedding (32), one LSTM of 32 units, its state at each text's last token (the service
        masks the padding) to the classes."""

        def __init__(self):
            super().__init__()
            self.tokens = nn.Embedding(vocab, 32)
            self.lstm = nn.LSTM(32, 32, batch_first=True)
            self.head = nn.Linear(32, classes)

        def forward(self, ids):
            states = self.lstm(self.tokens(ids))[0]
            last = (ids != 0).sum(1).clamp(min=1) - 1
            return self.head(states[torch.arange(len(ids)), last])

    model = Transformer() if kind == "transformer" else Lstm()
    x = torch.tensor(d["xTrain"], dtype=torch.long)
    y = torch.tensor(d["yTrain"], dtype=torch.long)
    seconds = fit(model, x, y, epochs, batch)
    xt = torch.tensor(d["xTest"], dtype=torch.long)
    return seconds, accuracy(model, xt, torch.tensor(d["yTest"], dtype=torch.long))


def ops(repeats):
    """Seconds per call of the CNN's largest convolution (batch 32, 4x4x32 in, 64 3x3 filters, same
    padding) and of a product of its im2col size, after a warm-up: what one kernel costs here."""
    import torch

    x, w = torch.randn(32, 32, 4, 4), torch.randn(64, 32, 3, 3)
    a, b = torch.randn(512, 288), torch.randn(288, 64)
    timed = {}
    for name, call in (("conv", lambda: torch.nn.functional.conv2d(x, w, padding=1)), ("matmul", lambda: a @ b)):
        for _ in range(repeats // 10 + 1):
            call()
        start = time.perf_counter()
        for _ in range(repeats):
            call()
        timed[name] = (time.perf_counter() - start) / repeats
    return timed


if __name__ == "__main__":
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "dump":
        dump(path)
    elif mode == "sklearn":
        sklearn_fit(path, int(sys.argv[3]), int(sys.argv[4]))
    else:
        import torch

        torch.set_num_threads(int(sys.argv[3]))
        torch.manual_seed(0)
        if mode == "ops":
            print(json.dumps(ops(int(sys.argv[4]))))
            sys.exit(0)
        epochs, batch = int(sys.argv[4]), int(sys.argv[5])
        train = {"mlp": mlp, "cnn": cnn}.get(mode, lambda *args: text(mode, *args))
        seconds, acc = train(path, epochs, batch)
        print(json.dumps({"seconds": seconds, "accuracy": acc}))
