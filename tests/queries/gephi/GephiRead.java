import java.io.File;
import org.gephi.graph.api.Column;
import org.gephi.graph.api.DirectedGraph;
import org.gephi.graph.api.Edge;
import org.gephi.graph.api.GraphController;
import org.gephi.graph.api.GraphModel;
import org.gephi.graph.api.Node;
import org.gephi.io.importer.api.Container;
import org.gephi.io.importer.api.ImportController;
import org.gephi.io.importer.api.Issue;
import org.gephi.io.processor.plugin.DefaultProcessor;
import org.gephi.project.api.ProjectController;
import org.gephi.project.api.Workspace;
import org.openide.util.Lookup;

/** Reads a GraphML or GEXF file with Gephi's own importers and prints what Gephi holds, tab-separated. */
public class GephiRead {
    public static void main(String[] args) throws Exception {
        ProjectController projects = Lookup.getDefault().lookup(ProjectController.class);
        projects.newProject();
        Workspace workspace = projects.getCurrentWorkspace();
        ImportController importer = Lookup.getDefault().lookup(ImportController.class);
        Container container = importer.importFile(new File(args[0]));
        if (container == null) {
            System.out.println("error\tno importer read the file");
            System.exit(2);
        }
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
        for (Node node : graph.getNodes()) {
            System.out.println("node\t" + node.getId() + "\t" + node.getLabel() + "\t" + nodeValue(model, node, "node_label"));
        }
        for (Edge edge : graph.getEdges()) {
            System.out.println("edge\t" + edge.getId() + "\t" + edge.getSource().getId() + "\t" + edge.getTarget().getId() + "\t" + edge.getLabel() + "\t" + edgeValue(model, edge, "relationship_type"));
        }
        projects.closeCurrentProject();
        System.exit(0);
    }

    private static Object nodeValue(GraphModel model, Node node, String title) {
        for (Column column : model.getNodeTable()) if (column.getTitle().equals(title)) return node.getAttribute(column);
        return null;
    }

    private static Object edgeValue(GraphModel model, Edge edge, String title) {
        for (Column column : model.getEdgeTable()) if (column.getTitle().equals(title)) return edge.getAttribute(column);
        return null;
    }
}
