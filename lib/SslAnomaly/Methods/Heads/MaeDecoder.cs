using SslAnomaly.Backbones;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Methods.Heads;

/// <summary>
/// MAE's light decoder (models_mae.py): embeds the encoder's visible tokens to its own width, fills the masked positions
/// with a learned mask token, restores the original patch order, adds fixed 2-D sin-cos positions, runs pre-norm
/// transformer blocks and predicts the p*p*3 pixels of every patch. The class token is kept through the blocks and dropped
/// at the end. Sized down for small images (default width 256, depth 4, 8 heads instead of 512/8/16).
/// </summary>
public sealed class MaeDecoder : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Linear decoder_embed;
    readonly Parameter mask_token;
    readonly Tensor decoder_pos_embed;
    readonly ModuleList<VisionTransformer.Block> decoder_blocks;
    readonly LayerNorm decoder_norm;
    readonly Linear decoder_pred;

    public MaeDecoder(int encoderDim, int gridSize, int patchSize, int dim, int depth, int heads, double mlpRatio = 4.0)
        : base(nameof(MaeDecoder))
    {
        GridSize = gridSize;
        decoder_embed = nn.Linear(encoderDim, dim);
        mask_token = new Parameter(zeros(1, 1, dim));
        decoder_pos_embed = SinCosPositions(dim, gridSize, withClassToken: true).unsqueeze(0);
        decoder_blocks = new ModuleList<VisionTransformer.Block>(Enumerable.Range(0, depth).Select(_ => new VisionTransformer.Block(dim, heads, mlpRatio)).ToArray());
        decoder_norm = nn.LayerNorm(dim, eps: VisionTransformer.LayerNormEps);
        decoder_pred = nn.Linear(dim, patchSize * patchSize * 3);
        RegisterComponents();
        Initialise();
    }

    public int GridSize { get; }

    /// <param name="latent">Encoder output on the visible tokens, class token first [B, 1 + visible, encoderDim].</param>
    /// <param name="restoreOrder">For each original patch position, its index in the (visible ++ masked) sequence [B, L].</param>
    /// <returns>Pixel predictions per patch [B, L, p*p*3].</returns>
    public override Tensor forward(Tensor latent, Tensor restoreOrder)
    {
        using var scope = NewDisposeScope();
        long patches = restoreOrder.shape[1];
        if (patches != (long)GridSize * GridSize)
            throw new ArgumentException($"the MAE decoder was built for {GridSize}x{GridSize} patches and got {patches}: MAE trains at the backbone's configured resolution");
        var x = decoder_embed.call(latent);
        long b = x.shape[0], d = x.shape[2];
        var masked = mask_token.expand(b, patches + 1 - x.shape[1], d);
        var tokens = cat([x.narrow(1, 1, x.shape[1] - 1), masked], 1);
        tokens = tokens.gather(1, restoreOrder.unsqueeze(-1).expand(b, patches, d));
        x = cat([x.narrow(1, 0, 1), tokens], 1).add(decoder_pos_embed);
        foreach (var block in decoder_blocks) x = block.call(x);
        x = decoder_pred.call(decoder_norm.call(x));
        return x.narrow(1, 1, patches).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// MAE's get_2d_sincos_pos_embed: for the patch at (row i, column j), [sin/cos(j * omega), sin/cos(i * omega)] with
    /// omega_k = 10000^(-k / (dim/4)); a zero row for the class token first.
    /// </summary>
    public static Tensor SinCosPositions(int dim, int gridSize, bool withClassToken)
    {
        if (dim % 4 != 0) throw new ArgumentException($"sin-cos positions need a width divisible by 4, got {dim}");
        int quarter = dim / 4;
        int rows = gridSize * gridSize + (withClassToken ? 1 : 0);
        var values = new float[rows * dim];
        int offset = withClassToken ? dim : 0;
        for (int i = 0; i < gridSize; i++)
            for (int j = 0; j < gridSize; j++)
            {
                int row = offset + (i * gridSize + j) * dim;
                for (int k = 0; k < quarter; k++)
                {
                    double omega = 1.0 / Math.Pow(10000, k / (double)quarter);
                    values[row + k] = (float)Math.Sin(j * omega);
                    values[row + quarter + k] = (float)Math.Cos(j * omega);
                    values[row + 2 * quarter + k] = (float)Math.Sin(i * omega);
                    values[row + 3 * quarter + k] = (float)Math.Cos(i * omega);
                }
            }
        return tensor(values).reshape(rows, dim);
    }

    /// <summary>MAE: normal(0.02) mask token, Xavier-uniform linears with zero bias, unit LayerNorms.</summary>
    void Initialise()
    {
        using var noGrad = no_grad();
        nn.init.normal_(mask_token, std: 0.02);
        VisionTransformer.InitialiseLinearsAndNorms(this);
    }
}
