// koppel: Neo4j's own Cypher 5 parser as a sidecar process (the client is graph/neo4j_parser.py).
// Protocol: stdin carries requests, each a header line "<UTF-8 byte count>" (or "<count> tree") followed
// by exactly that many bytes of query text; stdout answers each with one JSON line:
//   {"rules": [...], "clauses": [...], "calls": [[name, arguments], ...], "hops": H, "regexes": R}
//     when Neo4j's grammar parses the text: every grammar rule the parse used (sorted), the clause rules
//     and UNION in text order, every function invocation (namespace.name as written, backticks removed,
//     and its argument count; countStar, reduceExpression, normalizeFunction, trimFunction and
//     listItemsPredicate as [rule or first word, -1]), the number of pathLength and quantifier rules
//     (variable-length and quantified paths) and of =~ operators; with "tree" in the header also
//     "tree": OUTLINE, a rule node ["ruleName", child, ...] or a token's text (a JSON string), where a rule
//     node with exactly one child that is itself a rule node is replaced by that child;
//   {"error": "message", "line": L, "column": C}   when it does not (1-based line, 0-based column).
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

    static String answer(String query, boolean withTree) {
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
            Summary summary = new Summary();
            summary.visit(tree);
            StringBuilder out = new StringBuilder(256);
            out.append("{\"rules\":[");
            boolean first = true;
            for (String rule : summary.rules) {
                if (!first) out.append(',');
                first = false;
                string(rule, out);
            }
            out.append("],\"clauses\":[");
            for (int i = 0; i < summary.clauses.size(); i++) {
                if (i > 0) out.append(',');
                string(summary.clauses.get(i), out);
            }
            out.append("],\"calls\":[");
            for (int i = 0; i < summary.calls.size(); i++) {
                if (i > 0) out.append(',');
                out.append('[');
                string(summary.calls.get(i), out);
                out.append(',').append(summary.arguments.get(i)).append(']');
            }
            out.append("],\"hops\":").append(summary.hops).append(",\"regexes\":").append(summary.regexes);
            if (withTree) {
                out.append(",\"tree\":");
                outline(tree, out);
            }
            return out.append('}').toString();
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

    static final Set<String> CLAUSES = Set.of("matchClause", "unwindClause", "withClause", "returnClause", "subqueryClause",
        "orderBySkipLimitClause", "useClause", "finishClause", "createClause", "insertClause", "setClause", "removeClause",
        "deleteClause", "mergeClause", "callClause", "loadCSVClause", "foreachClause");
    static final Set<String> FORMS = Set.of("countStar", "reduceExpression", "normalizeFunction", "trimFunction");

    /** What the guard compares with its own parse, collected in one pre-order walk of the full tree. */
    static final class Summary {
        final TreeSet<String> rules = new TreeSet<>();
        final List<String> clauses = new ArrayList<>();
        final List<String> calls = new ArrayList<>();
        final List<Integer> arguments = new ArrayList<>();
        int hops, regexes;

        void visit(ParseTree node) {
            if (node instanceof TerminalNode terminal) {
                String text = terminal.getSymbol().getText();
                if (terminal.getSymbol().getType() == Cypher5Lexer.UNION) clauses.add("UNION");
                else if (text.equals("=~")) regexes++;
                return;
            }
            ParserRuleContext ctx = (ParserRuleContext) node;
            String rule = Cypher5Parser.ruleNames[ctx.getRuleIndex()];
            rules.add(rule);
            if (CLAUSES.contains(rule)) clauses.add(rule);
            else if (rule.equals("pathLength") || rule.equals("quantifier")) hops++;
            else if (rule.equals("functionInvocation")) {
                Cypher5Parser.FunctionInvocationContext call = (Cypher5Parser.FunctionInvocationContext) ctx;
                StringBuilder name = new StringBuilder();
                for (Cypher5Parser.SymbolicNameStringContext part : call.functionName().namespace().symbolicNameString()) {
                    name.append(symbolicName(part)).append('.');
                }
                name.append(symbolicName(call.functionName().symbolicNameString()));
                calls.add(name.toString());
                arguments.add(call.functionArgument().size());
            } else if (FORMS.contains(rule)) {
                calls.add(rule);
                arguments.add(-1);
            } else if (rule.equals("listItemsPredicate")) {
                calls.add(ctx.getChild(0).getText().toLowerCase(Locale.ROOT));
                arguments.add(-1);
            }
            for (int i = 0; i < ctx.getChildCount(); i++) visit(ctx.getChild(i));
        }

        static String symbolicName(ParserRuleContext name) {
            String text = name.getText();
            if (text.length() > 1 && text.startsWith("`") && text.endsWith("`")) return text.substring(1, text.length() - 1).replace("``", "`");
            return text;
        }
    }

    static void outline(ParseTree node, StringBuilder out) {
        while (node instanceof ParserRuleContext ctx && ctx.getChildCount() == 1 && ctx.getChild(0) instanceof ParserRuleContext) {
            node = ctx.getChild(0);
        }
        if (node instanceof ParserRuleContext ctx) {
            out.append('[');
            string(Cypher5Parser.ruleNames[ctx.getRuleIndex()], out);
            for (int i = 0; i < ctx.getChildCount(); i++) {
                out.append(',');
                outline(ctx.getChild(i), out);
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
            String[] fields = header.toString().trim().split(" ");
            int size = Integer.parseInt(fields[0]);
            boolean withTree = fields.length > 1 && fields[1].equals("tree");
            byte[] bytes = in.readNBytes(size);
            if (bytes.length < size) return;
            out.print(answer(new String(bytes, StandardCharsets.UTF_8), withTree));
            out.print('\n');
            out.flush();
        }
    }
}
