using Mono.Cecil;
using Mono.Cecil.Cil;

namespace SslAnomaly.Tests.Architecture;

/// <summary>
/// Which namespaces of one compiled assembly use which, read from its metadata and IL: base types, interfaces,
/// fields, properties, events, method signatures, generic constraints, attributes, locals, catch clauses and every
/// type, method and field an instruction names. Each edge keeps one place that makes it, so a failing test can say
/// where to look. What the compiler erases leaves no trace and is not seen: constants (inlined as values) and nameof.
/// </summary>
public sealed class NamespaceGraph
{
    readonly Dictionary<(string From, string To), string> witnesses = new();

    public IReadOnlySet<string> Namespaces { get; }

    /// <summary>Namespace pairs (user, used), each with one member of the user that makes it ("Type.Member -> Type").</summary>
    public IReadOnlyDictionary<(string From, string To), string> Edges => witnesses;

    NamespaceGraph(IReadOnlySet<string> namespaces) => Namespaces = namespaces;

    public static NamespaceGraph Of(string assemblyPath, string rootNamespace)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        bool Ours(string ns) => ns == rootNamespace || ns.StartsWith(rootNamespace + ".", StringComparison.Ordinal);
        var types = module.GetTypes().Where(t => Ours(NamespaceOf(t))).ToList();
        var graph = new NamespaceGraph(types.Select(NamespaceOf).ToHashSet());
        foreach (var type in types)
        {
            string from = NamespaceOf(type);
            foreach (var (place, used) in References(type))
                foreach (var target in Unwrap(used))
                {
                    string to = NamespaceOf(target);
                    if (to != from && graph.Namespaces.Contains(to))
                        graph.witnesses.TryAdd((from, to), $"{type.FullName}{place} -> {target.FullName}");
                }
        }
        return graph;
    }

    /// <summary>Groups of namespaces that reach one another (strongly connected, more than one member), each in order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Cycles() => StronglyConnected(Namespaces, Edges.Keys);

    /// <summary>The edges inside one cycle, with their witnesses, one per line.</summary>
    public string Describe(IReadOnlyList<string> cycle) => string.Join("\n",
        Edges.Where(e => cycle.Contains(e.Key.From) && cycle.Contains(e.Key.To))
            .OrderBy(e => e.Key.From, StringComparer.Ordinal).ThenBy(e => e.Key.To, StringComparer.Ordinal)
            .Select(e => $"  {e.Key.From} -> {e.Key.To}: {e.Value}"));

    /// <summary>Tarjan's algorithm over any graph of names; components of one node are not cycles (self-edges are never recorded).</summary>
    public static IReadOnlyList<IReadOnlyList<string>> StronglyConnected(IEnumerable<string> nodes, IEnumerable<(string From, string To)> edges)
    {
        var next = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).Order(StringComparer.Ordinal).ToList());
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        var components = new List<IReadOnlyList<string>>();

        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            onStack.Add(node);
            foreach (var to in next.GetValueOrDefault(node) ?? [])
            {
                if (!index.ContainsKey(to)) { Visit(to); low[node] = Math.Min(low[node], low[to]); }
                else if (onStack.Contains(to)) low[node] = Math.Min(low[node], index[to]);
            }
            if (low[node] != index[node]) return;
            var component = new List<string>();
            string member;
            do { member = stack.Pop(); onStack.Remove(member); component.Add(member); } while (member != node);
            if (component.Count > 1) components.Add(component.Order(StringComparer.Ordinal).ToList());
        }

        foreach (var node in nodes.Order(StringComparer.Ordinal))
            if (!index.ContainsKey(node)) Visit(node);
        return components;
    }

    /// <summary>A nested type (closures, state machines, records' helpers) belongs to the namespace of its outermost type.</summary>
    static string NamespaceOf(TypeReference type)
    {
        while (type.DeclaringType is not null) type = type.DeclaringType;
        return type.Namespace;
    }

    /// <summary>The named types inside a constructed one: List&lt;RunResult&gt;[] gives List`1 and RunResult.</summary>
    static IEnumerable<TypeReference> Unwrap(TypeReference? type)
    {
        switch (type)
        {
            case null or GenericParameter:
                yield break;
            case GenericInstanceType generic:
                foreach (var t in Unwrap(generic.ElementType)) yield return t;
                foreach (var argument in generic.GenericArguments)
                    foreach (var t in Unwrap(argument)) yield return t;
                break;
            case IModifierType modified:
                foreach (var t in Unwrap(modified.ModifierType)) yield return t;
                foreach (var t in Unwrap(((TypeSpecification)type).ElementType)) yield return t;
                break;
            case FunctionPointerType pointer:
                foreach (var t in Unwrap(pointer.ReturnType)) yield return t;
                foreach (var p in pointer.Parameters)
                    foreach (var t in Unwrap(p.ParameterType)) yield return t;
                break;
            case TypeSpecification specification: // arrays, pointers, by-ref, pinned, sentinel
                foreach (var t in Unwrap(specification.ElementType)) yield return t;
                break;
            default:
                yield return type;
                break;
        }
    }

    /// <summary>Every type one type's definition and code name, with where ("" for the type itself, ".Member" otherwise).</summary>
    static IEnumerable<(string Place, TypeReference Type)> References(TypeDefinition type)
    {
        if (type.BaseType is { } baseType) yield return ("", baseType);
        foreach (var i in type.Interfaces) yield return ("", i.InterfaceType);
        foreach (var r in Generic(type)) yield return ("", r);
        foreach (var r in Attributes(type)) yield return ("", r);
        foreach (var field in type.Fields)
        {
            yield return ($".{field.Name}", field.FieldType);
            foreach (var r in Attributes(field)) yield return ($".{field.Name}", r);
        }
        foreach (var property in type.Properties)
        {
            yield return ($".{property.Name}", property.PropertyType);
            foreach (var r in Attributes(property)) yield return ($".{property.Name}", r);
        }
        foreach (var e in type.Events) yield return ($".{e.Name}", e.EventType);
        foreach (var method in type.Methods)
            foreach (var r in References(method)) yield return ($".{method.Name}", r);
    }

    static IEnumerable<TypeReference> References(MethodDefinition method)
    {
        foreach (var r in Signature(method)) yield return r;
        foreach (var r in Generic(method)) yield return r;
        foreach (var r in Attributes(method)) yield return r;
        foreach (var r in Attributes(method.MethodReturnType)) yield return r;
        foreach (var p in method.Parameters)
            foreach (var r in Attributes(p)) yield return r;
        foreach (var o in method.Overrides)
            foreach (var r in Member(o)) yield return r;
        if (!method.HasBody) yield break;
        foreach (var v in method.Body.Variables) yield return v.VariableType;
        foreach (var handler in method.Body.ExceptionHandlers)
            if (handler.CatchType is { } caught) yield return caught;
        foreach (var instruction in method.Body.Instructions)
            foreach (var r in Operand(instruction)) yield return r;
    }

    static IEnumerable<TypeReference> Operand(Instruction instruction) => instruction.Operand switch
    {
        TypeReference t => [t],
        MemberReference m => Member(m),
        CallSite site => [site.ReturnType, .. site.Parameters.Select(p => p.ParameterType)],
        _ => [],
    };

    /// <summary>A method or field an instruction names: its declaring type, its signature and any generic arguments.</summary>
    static IEnumerable<TypeReference> Member(MemberReference member)
    {
        if (member.DeclaringType is { } declaring) yield return declaring;
        switch (member)
        {
            case FieldReference field:
                yield return field.FieldType;
                break;
            case GenericInstanceMethod generic:
                foreach (var a in generic.GenericArguments) yield return a;
                foreach (var r in Signature(generic.ElementMethod)) yield return r;
                break;
            case MethodReference method:
                foreach (var r in Signature(method)) yield return r;
                break;
        }
    }

    static IEnumerable<TypeReference> Signature(MethodReference method) =>
        [method.ReturnType, .. method.Parameters.Select(p => p.ParameterType)];

    static IEnumerable<TypeReference> Generic(IGenericParameterProvider provider) =>
        provider.GenericParameters.SelectMany(g => g.Constraints.Select(c => c.ConstraintType));

    /// <summary>An attribute's type and the types its arguments name (typeof(...) arguments, e.g. [JsonConverter(typeof(X))]).</summary>
    static IEnumerable<TypeReference> Attributes(ICustomAttributeProvider provider)
    {
        foreach (var attribute in provider.CustomAttributes)
        {
            yield return attribute.AttributeType;
            var arguments = attribute.ConstructorArguments
                .Concat(attribute.Properties.Select(p => p.Argument))
                .Concat(attribute.Fields.Select(f => f.Argument));
            foreach (var argument in arguments)
                if (argument.Value is TypeReference named) yield return named;
        }
    }
}
