using System.Text.Json;
using LeakHound.Core.Units;
using LeakHound.Core.Verdicts;

namespace LeakHound.Core.Rules;

/// <summary>
/// Reads a rules file (JSON; comments and trailing commas allowed). Every mistake is reported with its line and what
/// would be right, and unknown keys are mistakes too: a misspelt "cooldwn" must not silently mean the default.
/// </summary>
/// <example>
/// { "rules": [ {
///     "name": "page on leak",
///     "when": { "series": "rss", "verdict": "leak" },
///     "do": [ { "webhook": "http://127.0.0.1:9000/hook" }, { "command": ["/usr/bin/logger", "leak in rss"] }, "heapdiff", "stop" ],
///     "cooldown": "10m" } ] }
/// </example>
public static class RuleFile
{
    public const double DefaultCooldownSeconds = 600;

    public static IReadOnlyList<Rule> Parse(string text)
    {
        PositionedJson root = PositionedJson.Parse(text);
        Expect(root, JsonValueKind.Object, "the file must be an object: { \"rules\": [ … ] }");
        Known(root, "rules");
        PositionedJson rules = Required(root, "rules");
        Expect(rules, JsonValueKind.Array, "\"rules\" must be a list");
        if (rules.Items.Count == 0)
        {
            throw new RuleFileException(rules.Line, "\"rules\" is empty");
        }

        return [.. rules.Items.Select((r, i) => ParseRule(r, i + 1))];
    }

    private static Rule ParseRule(PositionedJson rule, int index)
    {
        Expect(rule, JsonValueKind.Object, "a rule must be an object with \"when\" and \"do\"");
        Known(rule, "name", "when", "do", "cooldown");
        string name = Optional(rule, "name") is { } n ? String(n, "\"name\"") : $"rule {index}";
        double cooldown = Optional(rule, "cooldown") is { } c ? Duration(c, "\"cooldown\"") : DefaultCooldownSeconds;
        Trigger trigger = ParseTrigger(Required(rule, "when"));
        PositionedJson actions = Required(rule, "do");
        Expect(actions, JsonValueKind.Array, "\"do\" must be a list of actions");
        if (actions.Items.Count == 0)
        {
            throw new RuleFileException(actions.Line, "\"do\" is empty: give at least one action (webhook, command, heapdiff, stop)");
        }

        return new Rule(name, trigger, [.. actions.Items.Select(ParseAction)], cooldown);
    }

    private static Trigger ParseTrigger(PositionedJson when)
    {
        Expect(when, JsonValueKind.Object, "\"when\" must be an object, e.g. { \"series\": \"rss\", \"verdict\": \"leak\" }");
        Known(when, "series", "verdict", "time_to_limit_below", "value_above");
        string series = Optional(when, "series") is { } s ? String(s, "\"series\"") : "*";
        List<Trigger> triggers = [];
        if (Optional(when, "verdict") is { } v)
        {
            string name = String(v, "\"verdict\"");
            Verdict verdict = Enum.GetValues<Verdict>().FirstOrDefault(x => x.ToName() == name, (Verdict)(-1));
            if ((int)verdict == -1)
            {
                throw new RuleFileException(v.Line, $"unknown verdict '{name}' (use one of: {string.Join(", ", Enum.GetValues<Verdict>().Select(x => x.ToName()))})");
            }

            triggers.Add(new VerdictBecomes(series, verdict));
        }

        if (Optional(when, "time_to_limit_below") is { } t)
        {
            triggers.Add(new TimeToLimitBelow(series, Duration(t, "\"time_to_limit_below\"")));
        }

        if (Optional(when, "value_above") is { } a)
        {
            double threshold = a.Kind == JsonValueKind.Number ? a.Number
                : a.Kind == JsonValueKind.String && Quantity.TryParseBytes(a.Text!, out double bytes) ? bytes
                : throw new RuleFileException(a.Line, "\"value_above\" must be a number or a size such as \"1.5GiB\"");
            triggers.Add(new ValueAbove(series, threshold));
        }

        return triggers.Count == 1 ? triggers[0]
            : throw new RuleFileException(when.Line, triggers.Count == 0
                ? "\"when\" needs one trigger: \"verdict\", \"time_to_limit_below\" or \"value_above\""
                : "\"when\" has more than one trigger; write one rule per trigger");
    }

    private static RuleAction ParseAction(PositionedJson action)
    {
        if (action.Kind == JsonValueKind.String)
        {
            return action.Text switch
            {
                "heapdiff" => new HeapDiffAction(),
                "explain" => new ExplainAction(),
                "stop" => new StopAction(),
                _ => throw new RuleFileException(action.Line, $"unknown action '{action.Text}' (use explain, heapdiff, stop, {{\"webhook\": URL}} or {{\"command\": [PROGRAM, ARG…]}})"),
            };
        }

        Expect(action, JsonValueKind.Object, "an action is \"heapdiff\", \"stop\", {\"webhook\": URL} or {\"command\": [PROGRAM, ARG…]}");
        if (action.Properties.Count != 1)
        {
            throw new RuleFileException(action.Line, "an action object has exactly one key: webhook, command, heapdiff or stop");
        }

        (string kind, int line, PositionedJson value) = action.Properties[0];
        switch (kind)
        {
            case "webhook":
                string url = String(value, "\"webhook\"");
                return Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https"
                    ? new WebhookAction(uri)
                    : throw new RuleFileException(value.Line, $"\"webhook\": '{url}' is not an http(s) URL");
            case "command":
                Expect(value, JsonValueKind.Array, "\"command\" is a list: the program and its arguments, e.g. [\"/usr/bin/logger\", \"leak\"] (never run through a shell)");
                if (value.Items.Count == 0 || value.Items.Any(i => i.Kind != JsonValueKind.String) || string.IsNullOrWhiteSpace(value.Items[0].Text))
                {
                    throw new RuleFileException(value.Line, "\"command\" needs a program followed by string arguments");
                }

                return new CommandAction([.. value.Items.Select(i => i.Text!)]);
            case "heapdiff":
                return new HeapDiffAction();
            case "explain":
                return new ExplainAction();
            case "stop":
                return new StopAction();
            default:
                throw new RuleFileException(line, $"unknown action '{kind}' (use webhook, command, heapdiff or stop)");
        }
    }

    private static void Expect(PositionedJson value, JsonValueKind kind, string message)
    {
        if (value.Kind != kind)
        {
            throw new RuleFileException(value.Line, message);
        }
    }

    private static void Known(PositionedJson obj, params string[] names)
    {
        foreach ((string name, int line, _) in obj.Properties)
        {
            if (!names.Contains(name))
            {
                throw new RuleFileException(line, $"unknown key '{name}' (expected: {string.Join(", ", names)})");
            }
        }
    }

    private static PositionedJson Required(PositionedJson obj, string name) =>
        Optional(obj, name) ?? throw new RuleFileException(obj.Line, $"missing \"{name}\"");

    private static PositionedJson? Optional(PositionedJson obj, string name)
    {
        PositionedJson? found = null;
        foreach ((string n, int line, PositionedJson value) in obj.Properties)
        {
            if (n == name)
            {
                found = found is null ? value : throw new RuleFileException(line, $"\"{name}\" is given twice");
            }
        }

        return found;
    }

    private static string String(PositionedJson value, string what) =>
        value.Kind == JsonValueKind.String ? value.Text! : throw new RuleFileException(value.Line, $"{what} must be a string");

    private static double Duration(PositionedJson value, string what) =>
        value.Kind == JsonValueKind.Number && value.Number >= 0 ? value.Number
        : value.Kind == JsonValueKind.String && Quantity.TryParseDuration(value.Text!, out double s) ? s
        : throw new RuleFileException(value.Line, $"{what} must be a duration such as \"10m\", \"30s\" or \"2h\"");
}
