import java.io.File;
import org.gephi.graph.api.Column;
import org.gephi.graph.api.DirectedGraph;
import org.gephi.graph.api.Edge;
import org.gephi.graph.api.GraphController;
import org.gephi.graph.api.GraphModel;
import org.gephi.graph.api.Node;
import org.gephi.io.importer.api.Container;
import org.gephi.io.importer.api.EdgeMergeStrategy;
import org.gephi.io.importer.api.ImportController;
import org.gephi.io.importer.api.Issue;
import org.gephi.io.processor.plugin.DefaultProcessor;
import org.gephi.project.api.ProjectController;
import org.gephi.project.api.Workspace;
import org.openide.util.Lookup;

/**
 * Reads GraphML or GEXF files with Gephi's own importers and prints what Gephi holds, tab-separated.
 *
 * <p>Usage: {@code GephiRead STRATEGY:FILE...}. STRATEGY is the import report's edge merge strategy for that
 * file: {@code DEFAULT} keeps Gephi's own default, or one of {@link EdgeMergeStrategy}'s names, e.g. {@code NO_MERGE}
 * for the report's "Don't merge". Each file is imported into a new project in this one JVM; its lines follow a
 * {@code file} line naming it.
 */
public class GephiRead {
    public static void main(String[] args) throws Exception {
        ProjectController projects = Lookup.getDefault().lookup(ProjectController.class);
        ImportController importer = Lookup.getDefault().lookup(ImportController.class);
        for (String arg : args) {
            String strategy = arg.substring(0, arg.indexOf(':'));
            String path = arg.substring(arg.indexOf(':') + 1);
            System.out.println("file\t" + path);
            projects.newProject();
            Workspace workspace = projects.getCurrentWorkspace();
            Container container = importer.importFile(new File(path));
            if (container == null) {
                System.out.println("error\tno importer read the file");
                System.exit(2);
            }
            if (!strategy.equals("DEFAULT")) {
                container.getLoader().setEdgesMergeStrategy(EdgeMergeStrategy.valueOf(strategy));
            }
            System.out.println("strategy\t" + container.getUnloader().getEdgesMergeStrategy());
            java.util.Iterator<Issue> issues = container.getReport().getIssues(1000);
            while (issues.hasNext()) {
                Issue issue = issues.next();
                System.out.println("issue\t" + issue.getLevel() + "\t" + issue.getMessage().replace('\n', ' '));
            }
            System.out.println("drafts\t" + container.getUnloader().getNodeCount() + "\t" + container.getUnloader().getEdgeCount());
            for (org.gephi.io.importer.api.EdgeDraft draft : container.getUnloader().getEdges()) {
                System.out.println("edgedraft\t" + draft.getId() + "\t" + draft.getSource().getId() + "\t" + draft.getTarget().getId() + "\t" + draft.getLabel());
            }
            importer.process(container, new DefaultProcessor(), workspace);
            GraphModel model = Lookup.getDefault().lookup(GraphController.class).getGraphModel(workspace);
            DirectedGraph graph = model.getDirectedGraph();
            System.out.println("nodes\t" + graph.getNodeCount());
            System.out.println("edges\t" + graph.getEdgeCount());
            Column nodeLabel = column(model.getNodeTable(), "node_label");
            Column relationshipType = column(model.getEdgeTable(), "relationship_type");
            for (Node node : graph.getNodes()) {
                System.out.println("node\t" + node.getId() + "\t" + node.getLabel() + "\t" + value(node, nodeLabel));
            }
            for (Edge edge : graph.getEdges()) {
                System.out.println("edge\t" + edge.getId() + "\t" + edge.getSource().getId() + "\t" + edge.getTarget().getId() + "\t" + edge.getLabel() + "\t" + value(edge, relationshipType));
            }
            projects.closeCurrentProject();
        }
        System.exit(0);
    }

    private static Column column(org.gephi.graph.api.Table table, String title) {
        for (Column column : table) if (column.getTitle().equals(title)) return column;
        return null;
    }

    private static Object value(org.gephi.graph.api.Element element, Column column) {
        return column == null ? null : element.getAttribute(column);
    }
}
