namespace RxMediasoup;

/// <summary>The H264 levels (ITU-T H.264 Table A-1); the value is the <c>level_idc</c>, except level 1b.</summary>
public enum H264Level
{
    /// <summary>Level 1b (signalled as <c>level_idc</c> 11 with constraint_set3_flag, or 9).</summary>
    L1b = 0,

    /// <summary>Level 1.</summary>
    L1 = 10,

    /// <summary>Level 1.1.</summary>
    L1_1 = 11,

    /// <summary>Level 1.2.</summary>
    L1_2 = 12,

    /// <summary>Level 1.3.</summary>
    L1_3 = 13,

    /// <summary>Level 2.</summary>
    L2 = 20,

    /// <summary>Level 2.1.</summary>
    L2_1 = 21,

    /// <summary>Level 2.2.</summary>
    L2_2 = 22,

    /// <summary>Level 3.</summary>
    L3 = 30,

    /// <summary>Level 3.1.</summary>
    L3_1 = 31,

    /// <summary>Level 3.2.</summary>
    L3_2 = 32,

    /// <summary>Level 4.</summary>
    L4 = 40,

    /// <summary>Level 4.1.</summary>
    L4_1 = 41,

    /// <summary>Level 4.2.</summary>
    L4_2 = 42,

    /// <summary>Level 5.</summary>
    L5 = 50,

    /// <summary>Level 5.1.</summary>
    L5_1 = 51,

    /// <summary>Level 5.2.</summary>
    L5_2 = 52,
}
