using SslAnomaly.Numerics;
using SslAnomaly.Util;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SslAnomaly.Backbones;

/// <summary>
/// ViT-Tiny in timm's layout and parameter names (patch_embed.proj, cls_token, pos_embed, blocks.N.{norm1,
/// attn.qkv, attn.proj, norm2, mlp.fc1, mlp.fc2}, norm): dim 192, depth 12, 3 heads, MLP 4x, LayerNorm eps
/// 1e-6, pre-norm blocks, exact GELU. The classifier feature is the final class token. Position embeddings
/// are learned for the configured resolution and bicubically resampled when another resolution comes in.
/// </summary>
public sealed class VisionTransformer : Backbone
{
    public const double LayerNormEps = 1e-6;

    readonly PatchEmbed patch_embed;
    readonly Parameter cls_token;
    readonly Parameter pos_embed;
    readonly ModuleList<Block> blocks;
    readonly LayerNorm norm;

    public VisionTransformer(BackboneConfig config, int patchSize, int dim = 192, int depth = 12, int heads = 3, double mlpRatio = 4.0)
        : base(nameof(VisionTransformer), config)
    {
        if (config.Resolution % patchSize != 0)
            throw new UserInputException($"ViT resolution {config.Resolution} is not divisible by the patch size {patchSize}.");
        PatchSize = patchSize;
        Dim = dim;
        Heads = heads;
        GridSize = config.Resolution / patchSize;
        patch_embed = new PatchEmbed(patchSize, dim);
        cls_token = new Parameter(zeros(1, 1, dim));
        pos_embed = new Parameter(zeros(1, 1 + GridSize * GridSize, dim));
        blocks = new ModuleList<Block>(Enumerable.Range(0, depth).Select(_ => new Block(dim, heads, mlpRatio)).ToArray());
        norm = nn.LayerNorm(dim, eps: LayerNormEps);
        RegisterComponents();
        Initialise();
    }

    public int PatchSize { get; }
    public int Dim { get; }
    public int Heads { get; }
    public int Depth => blocks.Count;
    /// <summary>Patches per side at the configured resolution.</summary>
    public int GridSize { get; }
    public override int FeatureDim => Dim;

    /// <summary>Class-token feature [B, dim].</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        return ForwardTokens(images).select(1, 0).MoveToOuterDisposeScope();
    }

    /// <summary>The whole normalised token sequence [B, 1 + patches, dim] (class token first).</summary>
    public Tensor ForwardTokens(Tensor images) => Encode(Embed(images));

    /// <summary>Patch tokens with position embeddings added, no class token: [B, patches, dim], in the compute precision. MAE masks these.</summary>
    public Tensor Embed(Tensor images)
    {
        using var scope = NewDisposeScope();
        var tokens = patch_embed.call(InComputePrecision(images));
        int grid = (int)Math.Round(Math.Sqrt(tokens.shape[1]));
        return tokens.add(PatchPositions(grid).to(tokens.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>Prepends the class token (with its position), runs the blocks and the final norm; returns float32 whatever
    /// the compute precision, so MAE's decoder and every head stay float32.</summary>
    public Tensor Encode(Tensor patchTokens)
    {
        using var scope = NewDisposeScope();
        long batch = patchTokens.shape[0];
        var cls = cls_token.add(pos_embed.narrow(1, 0, 1)).to(patchTokens.dtype).expand(batch, -1, -1);
        var x = cat([cls, patchTokens], 1);
        foreach (var block in blocks) x = block.call(x);
        return FromComputePrecision(Kernels.LayerNorm(norm, x)).MoveToOuterDisposeScope();
    }

    /// <summary>Patch position embeddings for a grid x grid input, resampled bicubically when it differs.</summary>
    public Tensor PatchPositions(int grid)
    {
        var patches = pos_embed.narrow(1, 1, GridSize * GridSize);
        if (grid == GridSize) return patches;
        using var scope = NewDisposeScope();
        var square = patches.reshape(1, GridSize, GridSize, Dim).permute(0, 3, 1, 2);
        var resized = nn.functional.interpolate(square, [grid, grid], mode: InterpolationMode.Bicubic, align_corners: false);
        return resized.permute(0, 2, 3, 1).reshape(1, grid * grid, Dim).MoveToOuterDisposeScope();
    }

    /// <summary>timm/MAE initialisation: truncated-normal(0.02) tokens, Xavier-uniform linears, zero biases.</summary>
    void Initialise()
    {
        using var noGrad = no_grad();
        TruncatedNormal.Fill(pos_embed, std: 0.02);
        TruncatedNormal.Fill(cls_token, std: 0.02);
        InitialiseLinearsAndNorms(this);
        // MAE initialises the patch projection like a linear layer on the flattened patch.
        var w = patch_embed.Weight;
        nn.init.xavier_uniform_(w.view(w.shape[0], -1));
    }

    /// <summary>
    /// timm/MAE initialisation of every layer below <paramref name="root"/>: Xavier-uniform linears with zero biases,
    /// unit LayerNorms. Shared by the encoder and MAE's decoder; call under no_grad.
    /// </summary>
    public static void InitialiseLinearsAndNorms(nn.Module root)
    {
        foreach (var (_, module) in root.named_modules())
        {
            if (module is Linear linear)
            {
                nn.init.xavier_uniform_(linear.weight!);
                if (linear.bias is not null) nn.init.zeros_(linear.bias);
            }
            else if (module is LayerNorm ln)
            {
                nn.init.ones_(ln.weight!);
                nn.init.zeros_(ln.bias!);
            }
        }
    }

    /// <summary>Non-overlapping patch projection: [B, 3, H, W] -> [B, (H/p)(W/p), dim].</summary>
    sealed class PatchEmbed : nn.Module<Tensor, Tensor>
    {
        readonly Conv2d proj;
        readonly long patchSize;

        public PatchEmbed(int patchSize, int dim) : base(nameof(PatchEmbed))
        {
            this.patchSize = patchSize;
            proj = nn.Conv2d(3, dim, patchSize, stride: patchSize);
            RegisterComponents();
        }

        public Tensor Weight => proj.weight!;

        public override Tensor forward(Tensor images)
        {
            using var scope = NewDisposeScope();
            return Kernels.Conv2d(images, proj.weight!, proj.bias, patchSize, 0).flatten(2).transpose(1, 2).MoveToOuterDisposeScope();
        }
    }

    /// <summary>Pre-norm transformer block: x + attn(norm1(x)), then x + mlp(norm2(x)).</summary>
    public sealed class Block : nn.Module<Tensor, Tensor>
    {
        readonly LayerNorm norm1, norm2;
        readonly Attention attn;
        readonly Mlp mlp;

        public Block(int dim, int heads, double mlpRatio) : base(nameof(Block))
        {
            norm1 = nn.LayerNorm(dim, eps: LayerNormEps);
            attn = new Attention(dim, heads);
            norm2 = nn.LayerNorm(dim, eps: LayerNormEps);
            mlp = new Mlp(dim, (int)(dim * mlpRatio));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            // Residual sums written into the branch outputs (a linear layer's backward does not need its output); the
            // block input itself must stay intact for LayerNorm's backward.
            x = attn.call(Kernels.LayerNorm(norm1, x)).add_(x);
            return mlp.call(Kernels.LayerNorm(norm2, x)).add_(x).MoveToOuterDisposeScope();
        }
    }

    /// <summary>Multi-head self-attention (public so that a FLOP count can find its two n x n matrix products).</summary>
    public sealed class Attention : nn.Module<Tensor, Tensor>
    {
        readonly Linear qkv, proj;
        readonly int heads;

        public Attention(int dim, int heads) : base(nameof(Attention))
        {
            if (dim % heads != 0) throw new ArgumentException($"dim {dim} is not divisible by {heads} heads");
            this.heads = heads;
            qkv = nn.Linear(dim, dim * 3);
            proj = nn.Linear(dim, dim);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            long b = x.shape[0], n = x.shape[1], d = x.shape[2];
            var qkvHeads = Kernels.Linear(qkv, x).reshape(b, n, 3, heads, d / heads).permute(2, 0, 3, 1, 4);
            var attended = Kernels.Attention(qkvHeads[0], qkvHeads[1], qkvHeads[2]);
            return Kernels.Linear(proj, attended.transpose(1, 2).reshape(b, n, d)).MoveToOuterDisposeScope();
        }
    }

    sealed class Mlp : nn.Module<Tensor, Tensor>
    {
        readonly Linear fc1, fc2;

        public Mlp(int dim, int hidden) : base(nameof(Mlp))
        {
            fc1 = nn.Linear(dim, hidden);
            fc2 = nn.Linear(hidden, dim);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            return Kernels.Linear(fc2, nn.functional.gelu(Kernels.Linear(fc1, x))).MoveToOuterDisposeScope();
        }
    }
}
