using System.Buffers.Binary;
using System.Text;

namespace SslAnomaly.Native;

/// <summary>One entry of an ELF file's <c>.gnu.version_r</c> table: a symbol version required from a library.</summary>
public sealed record ElfVersionNeed(string Library, string Version, ushort Flags, ushort Index, int FlagsOffset)
{
    /// <summary>VER_FLG_WEAK: a missing weak version is only a warning for the dynamic loader.</summary>
    public const ushort WeakFlag = 0x2;
    public bool IsWeak => (Flags & WeakFlag) != 0;
}

/// <summary>
/// Reads the symbol-version requirements of a 64-bit little-endian ELF shared library, and marks one
/// of them weak. This is the whole of the libtorch load fix: libLibTorchSharp.so (TorchSharp 0.107)
/// requires GLIBCXX_3.4.32 for a single link anchor (<c>std::ios_base_library_init</c>, emitted by
/// GCC 13 and never called); marking that requirement weak lets glibc 2.36 / GCC 12 systems load it.
/// </summary>
public sealed class ElfVersionNeeds
{
    const uint ShtDynsym = 11;
    const uint ShtGnuVerneed = 0x6ffffffe;
    const uint ShtGnuVersym = 0x6fffffff;

    readonly byte[] image;
    readonly List<ElfVersionNeed> needs = new();
    readonly Dictionary<ushort, List<string>> symbolsByVersionIndex = new();

    public IReadOnlyList<ElfVersionNeed> Needs => needs;

    ElfVersionNeeds(byte[] image, string path)
    {
        this.image = image;
        if (image.Length < 64 || image[0] != 0x7f || image[1] != (byte)'E' || image[2] != (byte)'L' || image[3] != (byte)'F')
            throw new InvalidDataException($"{path} is not an ELF file.");
        if (image[4] != 2 || image[5] != 1)
            throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file.");

        ulong shoff = U64(0x28);
        int shentsize = U16(0x3A), shnum = U16(0x3C);
        if (shoff == 0 || shnum == 0 || shoff + (ulong)(shentsize * shnum) > (ulong)image.Length)
            throw new InvalidDataException($"{path}: section header table is missing or truncated.");

        (uint type, ulong offset, ulong size, uint link, uint info) Section(int i)
        {
            int b = checked((int)shoff + i * shentsize);
            return (U32(b + 4), U64(b + 24), U64(b + 32), U32(b + 40), U32(b + 44));
        }

        int verneedIndex = -1, versymIndex = -1, dynsymIndex = -1;
        for (int i = 0; i < shnum; i++)
        {
            var type = Section(i).type;
            if (type == ShtGnuVerneed) verneedIndex = i;
            else if (type == ShtGnuVersym) versymIndex = i;
            else if (type == ShtDynsym) dynsymIndex = i;
        }
        if (verneedIndex < 0) return; // no version requirements at all

        var verneed = Section(verneedIndex);
        var strtab = Section((int)verneed.link);
        int entry = checked((int)verneed.offset);
        for (uint n = 0; n < verneed.info; n++)
        {
            int count = U16(entry + 2);
            string file = CString(strtab.offset + U32(entry + 4));
            int aux = entry + (int)U32(entry + 8);
            for (int a = 0; a < count; a++)
            {
                needs.Add(new ElfVersionNeed(file, CString(strtab.offset + U32(aux + 8)), U16(aux + 4), U16(aux + 6), aux + 4));
                uint nextAux = U32(aux + 12);
                if (nextAux == 0) break;
                aux += (int)nextAux;
            }
            uint next = U32(entry + 12);
            if (next == 0) break;
            entry += (int)next;
        }

        if (versymIndex >= 0 && dynsymIndex >= 0)
        {
            var dynsym = Section(dynsymIndex);
            var dynstr = Section((int)dynsym.link);
            var versym = Section(versymIndex);
            int symbols = (int)(dynsym.size / 24);
            for (int s = 0; s < symbols; s++)
            {
                ushort version = (ushort)(U16(checked((int)versym.offset + 2 * s)) & 0x7fff);
                if (version < 2) continue; // local / global
                string name = CString(dynstr.offset + U32(checked((int)dynsym.offset + 24 * s)));
                if (!symbolsByVersionIndex.TryGetValue(version, out var list))
                    symbolsByVersionIndex[version] = list = new List<string>();
                list.Add(name);
            }
        }
    }

    public static ElfVersionNeeds Read(string path) => new(File.ReadAllBytes(path), path);
    public static ElfVersionNeeds Parse(byte[] image, string name) => new(image, name);

    /// <summary>The dynamic symbols bound to a required version.</summary>
    public IReadOnlyList<string> SymbolsUsing(ElfVersionNeed need) =>
        symbolsByVersionIndex.TryGetValue(need.Index, out var list) ? list : Array.Empty<string>();

    /// <summary>A copy of the image with the named version requirements marked weak; size unchanged.</summary>
    public byte[] WithWeakVersions(IEnumerable<string> versions)
    {
        var wanted = new HashSet<string>(versions, StringComparer.Ordinal);
        var copy = (byte[])image.Clone();
        foreach (var need in needs.Where(n => wanted.Contains(n.Version)))
            BinaryPrimitives.WriteUInt16LittleEndian(copy.AsSpan(need.FlagsOffset), (ushort)(need.Flags | ElfVersionNeed.WeakFlag));
        return copy;
    }

    ushort U16(int at) => BinaryPrimitives.ReadUInt16LittleEndian(image.AsSpan(at));
    uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(at));
    ulong U64(int at) => BinaryPrimitives.ReadUInt64LittleEndian(image.AsSpan(at));

    string CString(ulong at)
    {
        int start = checked((int)at), end = start;
        while (end < image.Length && image[end] != 0) end++;
        return Encoding.ASCII.GetString(image, start, end - start);
    }
}
