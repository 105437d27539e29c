# Small PyTorch building blocks shared by the bench references.
import torch


def mlp(sizes, activation=torch.nn.ReLU):
    """Linear layers of the given widths with `activation` (ReLU by default) between them (none after the last)."""
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(activation())
    return torch.nn.Sequential(*layers)
