using System.Text.Json;
using System.Text.Json.Serialization;
using SslAnomaly.Training;

namespace SslAnomaly.Experiments;

/// <summary>
/// How a run ended. result.json's <c>status</c> holds <see cref="Completed"/> or <see cref="Failed"/> as "completed" and
/// "failed" (docs/result-json.md); <see cref="Interrupted"/> is never written there (an interrupted run leaves no
/// result.json) and names the trainer's third ending in logs.
/// </summary>
[JsonConverter(typeof(RunStatusConverter))]
public enum RunStatus { Completed, Failed, Interrupted }

public static class RunStatusNames
{
    /// <summary>The status as result.json, logs and messages spell it: "completed", "failed", "interrupted".</summary>
    public static string Name(this RunStatus status) => JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());
}

/// <summary>
/// The run's status from how its training ended. It lives here, beside the run record, so that the trainer knows nothing
/// of result.json: <c>outcome.Status</c> reads the same wherever this namespace is in scope.
/// </summary>
public static class TrainingOutcomeStatus
{
    extension(TrainingOutcome outcome)
    {
        public RunStatus Status => outcome.Failure is not null ? RunStatus.Failed
            : outcome.Completed ? RunStatus.Completed : RunStatus.Interrupted;
    }
}

/// <summary>Writes and reads the lower-case names, whatever naming policy the surrounding options carry.</summary>
sealed class RunStatusConverter() : JsonStringEnumConverter<RunStatus>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false);
