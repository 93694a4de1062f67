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
            OutlineParser parser = new OutlineParser(stream);
            parser.removeErrorListeners();
            parser.getInterpreter().setPredictionMode(PredictionMode.SLL);
            parser.setErrorHandler(new BailErrorStrategy());
            Cypher5Parser.StatementsContext tree;
            try {
                tree = parser.statements();
            } catch (ParseCancellationException e) {
                stream.seek(0);
                parser.reset();
                parser.summary = new Summary();  // what the failed SLL attempt saw is dropped
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
            Summary summary = parser.summary;
            summary.finish();
            StringBuilder out = new StringBuilder(256);
            out.append("{\"rules\":[");
            boolean first = true;
            for (int rule : BY_NAME) {
                if (!summary.used[rule]) continue;
                if (!first) out.append(',');
                first = false;
                string(RULES[rule], out);
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
    static final String[] RULES = Cypher5Parser.ruleNames;
    /** Per rule index: 1 a clause rule, 2 one of FORMS, 0 anything else. */
    static final byte[] KIND = new byte[RULES.length];
    /** Rule indexes in the order of their names (String.compareTo), for the sorted "rules" answer. */
    static final int[] BY_NAME = new int[RULES.length];
    static {
        Integer[] order = new Integer[RULES.length];
        for (int i = 0; i < RULES.length; i++) {
            order[i] = i;
            KIND[i] = (byte) (CLAUSES.contains(RULES[i]) ? 1 : FORMS.contains(RULES[i]) ? 2 : 0);
        }
        Arrays.sort(order, Comparator.comparing(i -> RULES[i]));
        for (int i = 0; i < RULES.length; i++) BY_NAME[i] = order[i];
    }

    /** What the guard compares with its own parse, collected while the parser builds the tree (see OutlineParser):
     * the rules entered, clause rules and UNION in text order, calls in text order (function names and argument
     * counts read from their finished subtrees at the end), pathLength/quantifier rules and =~ tokens. */
    static final class Summary {
        final boolean[] used = new boolean[RULES.length];
        final List<String> clauses = new ArrayList<>();
        final List<String> calls = new ArrayList<>();
        final List<Integer> arguments = new ArrayList<>();
        final List<ParserRuleContext> open = new ArrayList<>();  // functionInvocation / listItemsPredicate, in text order
        final List<Integer> slots = new ArrayList<>();  // their places in calls
        int hops, regexes;

        void enter(ParserRuleContext ctx, int rule) {
            used[rule] = true;
            byte kind = KIND[rule];
            if (kind == 0) {
                if (rule == Cypher5Parser.RULE_pathLength || rule == Cypher5Parser.RULE_quantifier) hops++;
                else if (rule == Cypher5Parser.RULE_functionInvocation || rule == Cypher5Parser.RULE_listItemsPredicate) {
                    open.add(ctx);
                    slots.add(calls.size());
                    calls.add(null);
                    arguments.add(-1);
                }
            } else if (kind == 1) clauses.add(RULES[rule]);
            else {
                calls.add(RULES[rule]);
                arguments.add(-1);
            }
        }

        void token(int type) {
            if (type == Cypher5Lexer.UNION) clauses.add("UNION");
            else if (type == Cypher5Lexer.REGEQ) regexes++;  // the only token whose text is =~
        }

        /** Fill in the calls once the tree is complete (the rules have no labelled alternatives, so each
         * context given to enterRule is the one in the tree). */
        void finish() {
            for (int i = 0; i < open.size(); i++) {
                ParserRuleContext ctx = open.get(i);
                int slot = slots.get(i);
                if (ctx instanceof Cypher5Parser.FunctionInvocationContext call) {
                    StringBuilder name = new StringBuilder();
                    for (Cypher5Parser.SymbolicNameStringContext part : call.functionName().namespace().symbolicNameString()) {
                        name.append(symbolicName(part)).append('.');
                    }
                    name.append(symbolicName(call.functionName().symbolicNameString()));
                    calls.set(slot, name.toString());
                    arguments.set(slot, call.functionArgument().size());
                } else {
                    calls.set(slot, ctx.getChild(0).getText().toLowerCase(Locale.ROOT));
                }
            }
        }

        static String symbolicName(ParserRuleContext name) {
            String text = name.getText();
            if (text.length() > 1 && text.startsWith("`") && text.endsWith("`")) return text.substring(1, text.length() - 1).replace("``", "`");
            return text;
        }
    }

    /** Neo4j's generated parser, telling a Summary of every rule it enters and every token it consumes: each
     * becomes a node of the parse tree (an error throws), so the summary is that of the tree, without a
     * second walk over it. */
    static final class OutlineParser extends Cypher5Parser {
        Summary summary = new Summary();

        OutlineParser(TokenStream input) {
            super(input);
        }

        @Override
        public void enterRule(ParserRuleContext localctx, int state, int ruleIndex) {
            super.enterRule(localctx, state, ruleIndex);
            summary.enter(localctx, ruleIndex);
        }

        @Override
        public Token consume() {
            summary.token(getCurrentToken().getType());
            return super.consume();
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
        // Load now every class an answer may need (an error's too): the compiled classes on disk may be
        // replaced while this process runs (koppel updated), and the parser's caches start warm.
        for (String text : new String[] {"MATCH (a)-[r*1..2]->(b) WHERE a.x =~ 'y' RETURN count(*), f(a) UNION RETURN 1", "RETURN (", "RETURN '\\u00zz'"}) {
            answer(text, true);
        }
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
