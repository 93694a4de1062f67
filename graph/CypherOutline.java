// koppel: Neo4j's own Cypher 5 parser as a sidecar process (the client is graph/neo4j_parser.py).
// Protocol: stdin carries requests, each a decimal UTF-8 byte count on its own line followed by
// exactly that many bytes of query text; stdout answers each with one JSON line:
//   {"tree": OUTLINE, "rules": [rule names used]}           when Neo4j's grammar parses the text
//   {"error": "message", "line": L, "column": C}          when it does not (1-based line, 0-based column)
// OUTLINE is a rule node ["ruleName", child, ...] or a token's text (a JSON string); a rule node with
// exactly one child that is itself a rule node is replaced by that child, so expression towers stay small
// ("rules" keeps every rule name, the collapsed ones included).
// The text is fed to the lexer as Neo4j 5.26 does (UnicodeEscapeReplacementReader decodes \\uXXXX before
// lexing) and parsed as Neo4j's AntlrAstParser does: SLL with bail-out first, full LL on failure; any
// lexer or parser error, or input left after the statements, is an error.
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import org.antlr.v4.runtime.*;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.misc.ParseCancellationException;
import org.antlr.v4.runtime.tree.*;
import org.neo4j.cypher.internal.parser.lexer.UnicodeEscapeReplacementReader;
import org.neo4j.cypher.internal.parser.v5.Cypher5Lexer;
import org.neo4j.cypher.internal.parser.v5.Cypher5Parser;

public final class CypherOutline {
    static final class Failed extends RuntimeException {
        final int line, column;
        Failed(String message, int line, int column) { super(message, null, false, false); this.line = line; this.column = column; }
    }

    static final class Listener extends BaseErrorListener {
        @Override public void syntaxError(Recognizer<?, ?> r, Object symbol, int line, int column, String msg, RecognitionException e) {
            throw new Failed(msg, line, column);
        }
    }

    static final Listener LISTENER = new Listener();

    static CommonTokenStream tokens(String query) throws IOException {
        UnicodeEscapeReplacementReader.Result read = UnicodeEscapeReplacementReader.read(query);
        Cypher5Lexer lexer = new Cypher5Lexer(read.charStream());
        lexer.removeErrorListeners();
        lexer.addErrorListener(LISTENER);
        CommonTokenStream stream = new CommonTokenStream(lexer);
        stream.fill();
        return stream;
    }

    static String answer(String query) {
        try {
            CommonTokenStream stream = tokens(query);
            Cypher5Parser parser = new Cypher5Parser(stream);
            parser.removeErrorListeners();
            parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
            parser.setErrorHandler(new BailErrorStrategy());
            Cypher5Parser.StatementsContext tree;
            try {
                tree = parser.statements();
            } catch (ParseCancellationException e) {
                stream.seek(0);
                parser.reset();
                parser.setInputStream(stream);
                parser.getInterpreter().setPredictionMode(PredictionMode.LL);
                parser.setErrorHandler(new DefaultErrorStrategy());
                parser.addErrorListener(LISTENER);
                tree = parser.statements();
            }
            if (!parser.isMatchedEOF() && parser.getCurrentToken().getType() != Token.EOF) {
                Token t = parser.getCurrentToken();
                throw new Failed("unexpected input after the statements: " + t.getText(), t.getLine(), t.getCharPositionInLine());
            }
            StringBuilder out = new StringBuilder(256);
            TreeSet<String> rules = new TreeSet<>();
            out.append("{\"tree\":");
            outline(tree, out, rules);
            out.append(",\"rules\":[");
            boolean first = true;
            for (String rule : rules) {
                if (!first) out.append(',');
                first = false;
                string(rule, out);
            }
            return out.append("]}").toString();
        } catch (UnicodeEscapeReplacementReader.InvalidUnicodeLiteral u) {
            StringBuilder out = new StringBuilder("{\"error\":");
            string(u.getMessage(), out);
            return out.append(",\"line\":").append(u.line).append(",\"column\":").append(u.column).append('}').toString();
        } catch (Failed f) {
            StringBuilder out = new StringBuilder("{\"error\":");
            string(f.getMessage(), out);
            return out.append(",\"line\":").append(f.line).append(",\"column\":").append(f.column).append('}').toString();
        } catch (Throwable e) {
            StringBuilder out = new StringBuilder("{\"error\":");
            string("the parser failed: " + e, out);
            return out.append(",\"line\":0,\"column\":0}").toString();
        }
    }

    static void outline(ParseTree node, StringBuilder out, Set<String> rules) {
        while (node instanceof ParserRuleContext ctx && ctx.getChildCount() == 1 && ctx.getChild(0) instanceof ParserRuleContext) {
            rules.add(Cypher5Parser.ruleNames[ctx.getRuleIndex()]);
            node = ctx.getChild(0);
        }
        if (node instanceof ParserRuleContext ctx) {
            rules.add(Cypher5Parser.ruleNames[ctx.getRuleIndex()]);
            out.append('[');
            string(Cypher5Parser.ruleNames[ctx.getRuleIndex()], out);
            for (int i = 0; i < ctx.getChildCount(); i++) {
                out.append(',');
                outline(ctx.getChild(i), out, rules);
            }
            out.append(']');
        } else {
            Token t = ((TerminalNode) node).getSymbol();
            string(t.getType() == Token.EOF ? "" : t.getText(), out);
        }
    }

    static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') out.append('\\').append(c);
            else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c)) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
        }
        out.append('"');
    }

    public static void main(String[] args) throws IOException {
        BufferedInputStream in = new BufferedInputStream(System.in, 1 << 16);
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
        while (true) {
            StringBuilder header = new StringBuilder();
            int b;
            while ((b = in.read()) != -1 && b != '\n') header.append((char) b);
            if (b == -1) return;
            int size = Integer.parseInt(header.toString().trim());
            byte[] bytes = in.readNBytes(size);
            if (bytes.length < size) return;
            out.print(answer(new String(bytes, StandardCharsets.UTF_8)));
            out.print('\n');
            out.flush();
        }
    }
}
