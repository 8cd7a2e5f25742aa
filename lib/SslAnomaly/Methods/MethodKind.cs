namespace SslAnomaly.Methods;

/// <summary>What a method's numbers stand for: the question the study asks of it, and the baselines it is held against.</summary>
public enum MethodKind
{
    /// <summary>Learns from unlabelled images: the methods the study is about.</summary>
    SelfSupervised,
    /// <summary>Learns from the labels: the ceiling.</summary>
    Supervised,
    /// <summary>Learns nothing (the backbone as initialised): the floor every method must leave.</summary>
    Floor,
}
