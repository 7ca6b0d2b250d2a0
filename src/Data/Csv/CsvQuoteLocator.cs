namespace MiniTorch.Data;

/// <summary>
/// Finds the column of a quoting error. CsvHelper reports the record and the byte offset of broken quoting but
/// not the field, so on that (rare) error path the input is read again from the start, following RFC 4180's
/// quoting rules up to the offset.
/// </summary>
internal static class CsvQuoteLocator
{
    private enum State
    {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
        AfterClosingQuote,
    }

    /// <summary>The 0-based field at <paramref name="offset"/> of <paramref name="input"/>, and what is wrong there; (-1, null) when the offset is not reached.</summary>
    public static (int Column, string? Problem) Locate(Stream input, long offset, byte separator, byte quote = (byte)'"')
    {
        var buffer = new byte[1 << 16];
        var state = State.FieldStart;
        int field = 0;
        long position = 0;
        int read;
        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (int i = 0; i < read; i++, position++)
            {
                byte b = buffer[i];
                if (position == offset)
                {
                    return (field, Describe(state, b, separator, quote));
                }
                state = Step(state, b, separator, quote, ref field);
            }
        }
        // An unclosed quote is reported at the end of the input; the field is the one the quote opened.
        return state == State.Quoted && position <= offset
            ? (field, "a quoted field is never closed (a quote opens it and no quote ends it before the end of the file).")
            : (-1, null);
    }

    private static State Step(State state, byte b, byte separator, byte quote, ref int field)
    {
        if (state == State.Quoted)
        {
            return b == quote ? State.QuoteInQuoted : State.Quoted;
        }
        if (state == State.QuoteInQuoted && b == quote)
        {
            return State.Quoted; // "" is an escaped quote inside the field
        }
        if (b == separator)
        {
            field++;
            return State.FieldStart;
        }
        if (b == '\n' || b == '\r')
        {
            field = 0;
            return State.FieldStart;
        }
        if (state == State.FieldStart && b == quote)
        {
            return State.Quoted;
        }
        return state is State.QuoteInQuoted or State.AfterClosingQuote ? State.AfterClosingQuote : State.Unquoted;
    }

    private static string Describe(State state, byte b, byte separator, byte quote)
    {
        if ((state is State.QuoteInQuoted or State.AfterClosingQuote) && b != separator && b != quote)
        {
            return "text after the closing quote of a quoted field (a field that starts with a quote must end with it; write a quote inside it as \"\").";
        }
        if (state == State.Unquoted && b == quote)
        {
            return "a quote inside a field that does not start with a quote (quote the whole field and write the quote as \"\").";
        }
        return "malformed quoting.";
    }
}
