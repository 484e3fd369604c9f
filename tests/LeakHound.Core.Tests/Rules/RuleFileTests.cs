using LeakHound.Core.Rules;
using LeakHound.Core.Verdicts;
using Xunit;

namespace LeakHound.Core.Tests.Rules;

public sealed class RuleFileTests
{
    [Fact]
    public void ValidFile_ReadsEveryTriggerAndAction()
    {
        const string text = """
            // comments are allowed
            { "rules": [
              { "name": "page", "when": { "series": "rss", "verdict": "leak" },
                "do": [ { "webhook": "http://127.0.0.1:9000/hook" }, { "command": ["/bin/echo", "a b", "q\"x'"] }, "heapdiff", { "stop": {} } ],
                "cooldown": "5m" },
              { "when": { "time_to_limit_below": "2h" }, "do": ["stop"] },
              { "when": { "series": "go_*", "value_above": 10000 }, "do": ["heapdiff", "explain", { "explain": {} }], "cooldown": 30, },
            ] }
            """;

        IReadOnlyList<Rule> rules = RuleFile.Parse(text);

        Assert.Equal(3, rules.Count);
        Assert.Equal(new VerdictBecomes("rss", Verdict.Leak), rules[0].Trigger);
        Assert.Equal(300, rules[0].CooldownSeconds);
        Assert.Equal(new Uri("http://127.0.0.1:9000/hook"), Assert.IsType<WebhookAction>(rules[0].Actions[0]).Url);
        Assert.Equal(["/bin/echo", "a b", "q\"x'"], Assert.IsType<CommandAction>(rules[0].Actions[1]).Arguments);
        Assert.IsType<HeapDiffAction>(rules[0].Actions[2]);
        Assert.IsType<StopAction>(rules[0].Actions[3]);
        Assert.Equal("rule 2", rules[1].Name);
        Assert.Equal(new TimeToLimitBelow("*", 7200), rules[1].Trigger);
        Assert.Equal(RuleFile.DefaultCooldownSeconds, rules[1].CooldownSeconds);
        Assert.Equal(new ValueAbove("go_*", 10000), rules[2].Trigger);
        Assert.IsType<ExplainAction>(rules[2].Actions[1]);
        Assert.IsType<ExplainAction>(rules[2].Actions[2]);
    }

    [Theory]
    [InlineData("{ \"rules\": [\n  { \"when\": { \"verdict\": \"leaking\" }, \"do\": [\"stop\"] } ] }", 2, "unknown verdict 'leaking'")]
    [InlineData("{ \"rules\": [\n {\n \"when\": { \"verdict\": \"leak\" },\n \"do\": [\"stop\"],\n \"cooldwn\": \"5m\" } ] }", 5, "unknown key 'cooldwn'")]
    [InlineData("{ \"rules\": [\n { \"when\": { \"verdict\": \"leak\" },\n \"do\": [ { \"email\": \"x\" } ] } ] }", 3, "unknown action 'email'")]
    [InlineData("{ \"rules\": [\n { \"when\": { \"verdict\": \"leak\" },\n \"do\": [ { \"command\": \"rm -rf /tmp/x\" } ] } ] }", 3, "\"command\" is a list")]
    [InlineData("{ \"rules\": [\n { \"when\": { },\n \"do\": [\"stop\"] } ] }", 2, "needs one trigger")]
    [InlineData("{ \"rules\": [\n { \"when\": { \"verdict\": \"leak\" }, \"do\": [\"stop\"],\n \"cooldown\": \"soon\" } ] }", 3, "\"cooldown\" must be a duration")]
    [InlineData("{ \"rules\": [\n { \"when\": { \"verdict\": \"leak\" }\n \"do\": [\"stop\"] } ] }", 3, "not valid JSON")]
    [InlineData("{ \"rules\": [\n { \"when\": { \"verdict\": \"leak\" }, \"do\": [ { \"webhook\": \"ftp://x\" } ] } ] }", 2, "not an http(s) URL")]
    [InlineData("", 1, "empty")]
    public void Mistakes_NameTheirLineAndTheFix(string text, int line, string reason)
    {
        RuleFileException e = Assert.Throws<RuleFileException>(() => RuleFile.Parse(text));

        Assert.Equal(line, e.Line);
        Assert.Contains(reason, e.Reason);
    }
}
