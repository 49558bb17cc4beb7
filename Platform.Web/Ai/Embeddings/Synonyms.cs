namespace Platform.Web.Ai.Embeddings;

/// <summary>Word groups the hashing embedder treats as one concept (stems, see HashingEmbeddingGenerator.Stem).
/// Small on purpose: common workplace vocabulary where keyword search misses the obvious match.</summary>
internal static class Synonyms
{
    private static readonly string[][] GroupList =
    [
        ["vacation", "holiday", "leave", "pto", "timeoff", "absence"],
        ["salary", "pay", "wage", "compensation", "payroll", "paycheck"],
        ["expense", "receipt", "reimbursement", "reimburse", "cost", "spend", "spending"],
        ["laptop", "computer", "notebook", "device", "machine"],
        ["password", "passphrase", "credential", "login", "passcode"],
        ["sick", "ill", "illness", "unwell"],
        ["hire", "recruit", "recruitment", "onboard", "onboarding"],
        ["fire", "dismiss", "terminate", "termination", "layoff"],
        ["boss", "manager", "supervisor", "lead"],
        ["car", "vehicle", "automobile"],
        ["travel", "trip", "journey", "flight"],
        ["meal", "food", "lunch", "dinner", "breakfast"],
        ["refund", "repayment", "chargeback"],
        ["price", "pricing", "fee", "charge", "tariff"],
        ["bug", "defect", "error", "fault", "issue"],
        ["customer", "client", "buyer", "purchaser"],
        ["begin", "start", "commence"],
        ["end", "finish", "stop", "terminate"],
        ["quick", "fast", "rapid", "speedy"],
        ["big", "large", "huge"],
        ["small", "little", "tiny"],
        ["buy", "purchase", "order"],
        ["home", "remote", "wfh"],
        ["doctor", "physician", "medical"],
        ["deadline", "due"],
        ["contract", "agreement"],
        ["security", "safety", "protection"],
        ["lost", "missing", "stolen"],
    ];

    public static readonly IReadOnlyDictionary<string, string> Groups = Build();

    private static Dictionary<string, string> Build()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in GroupList)
            foreach (var word in group)
                map.TryAdd(HashingEmbeddingGenerator.Stem(word), group[0]);
        return map;
    }
}
