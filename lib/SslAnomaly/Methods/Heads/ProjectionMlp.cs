using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Methods.Heads;

/// <summary>
/// The projector/predictor MLP of SimCLR, BYOL and Barlow Twins as solo-learn builds it: (Linear, BatchNorm1d, ReLU) for
/// each hidden layer, then a plain Linear. Children are numbered like PyTorch's nn.Sequential ("0.weight", "1.running_mean").
/// </summary>
public static class ProjectionMlp
{
    public static Sequential Create(int inputDim, int hiddenDim, int outputDim, int layers)
    {
        if (layers < 1) throw new ArgumentOutOfRangeException(nameof(layers));
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        int width = inputDim;
        for (int i = 0; i < layers - 1; i++)
        {
            modules.Add(($"{modules.Count}", nn.Linear(width, hiddenDim)));
            modules.Add(($"{modules.Count}", nn.BatchNorm1d(hiddenDim)));
            modules.Add(($"{modules.Count}", nn.ReLU(inplace: true))); // BatchNorm's output is not needed by its backward
            width = hiddenDim;
        }
        modules.Add(($"{modules.Count}", nn.Linear(width, outputDim)));
        return nn.Sequential(modules.ToArray());
    }
}
