"""Peer for bench/peer-mlp.ts: the 64-64-10 MLP on scikit-learn's 8x8 digits in PyTorch.

  /usr/bin/python3 bench/peers/torch_mlp.py dump FILE      writes the split (seeded) as JSON
  /usr/bin/python3 bench/peers/torch_mlp.py torch FILE THREADS EPOCHS BATCH
  /usr/bin/python3 bench/peers/torch_mlp.py sklearn FILE EPOCHS BATCH
Prints one JSON line: seconds (fit only) and test accuracy.
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


def torch_fit(path, threads, epochs, batch):
    import torch

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    d = load(path)
    x = torch.tensor(d["xTrain"], dtype=torch.float32)
    y = torch.tensor(d["yTrain"], dtype=torch.long)
    model = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    opt = torch.optim.Adam(model.parameters(), lr=0.001)
    loss_fn = torch.nn.CrossEntropyLoss()
    start = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(len(x))
        for i in range(0, len(x), batch):
            idx = order[i : i + batch]
            opt.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        predicted = model(torch.tensor(d["xTest"], dtype=torch.float32)).argmax(1)
    accuracy = (predicted == torch.tensor(d["yTest"])).float().mean().item()
    print(json.dumps({"seconds": seconds, "accuracy": accuracy}))


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


if __name__ == "__main__":
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "dump":
        dump(path)
    elif mode == "torch":
        torch_fit(path, int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    else:
        sklearn_fit(path, int(sys.argv[3]), int(sys.argv[4]))
