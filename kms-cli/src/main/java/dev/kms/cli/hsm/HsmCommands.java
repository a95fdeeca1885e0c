package dev.kms.cli.hsm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kms.cli.KmsCli;
import dev.kms.cli.Params;
import dev.kms.core.model.MaterialId;
import dev.kms.core.port.Hsm;
import dev.kms.core.service.MaintenanceService.ReconcileReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** Operator commands about the token itself: {@code kms hsm status}, {@code kms hsm reconcile}. */
@Command(name = "hsm", mixinStandardHelpOptions = true, description = "Operator commands for the HSM.",
        subcommands = {HsmCommands.Status.class, HsmCommands.Reconcile.class})
public final class HsmCommands {

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Shows the PKCS#11 library, the token, its mechanisms and its object count.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            KmsCli cli = (KmsCli) spec.root().userObject();
            return cli.print(cli.withSession(session -> {
                Hsm.HsmStatus status = session.hsm().status();
                ObjectNode out = Params.NODES.objectNode();
                out.put("Library", status.library());
                out.put("LibraryDescription", status.libraryDescription());
                out.put("TokenLabel", status.tokenLabel());
                out.put("TokenSerial", status.tokenSerial());
                out.put("TokenModel", status.tokenModel());
                status.mechanisms().forEach(out.putArray("Mechanisms")::add);
                out.put("ObjectCount", status.objectCount());
                return out;
            }));
        }
    }

    @Command(name = "reconcile", mixinStandardHelpOptions = true,
            description = "Compares the token with the metadata: orphaned token objects, missing materials, and"
                    + " objects a killed process left half-written.")
    static final class Reconcile implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--destroy-orphans",
                description = "Destroy the orphaned token objects (a key being created right now may look orphaned)")
        boolean destroyOrphans;

        @Option(names = "--destroy-incomplete",
                description = "Destroy the objects a killed process left half-written (they hold no key material)")
        boolean destroyIncomplete;

        @Override
        public Integer call() {
            KmsCli cli = (KmsCli) spec.root().userObject();
            return cli.print(cli.withSession(session -> {
                ReconcileReport report = session.kms().maintenance().reconcile(destroyOrphans, destroyIncomplete);
                ObjectNode out = Params.NODES.objectNode();
                var orphans = out.putArray("Orphans");
                report.orphans().forEach(o -> orphans.addObject()
                        .put("MaterialId", o.id() == null ? null : o.id().hex())
                        .put("Label", o.label()));
                var missing = out.putArray("MissingMaterials");
                report.missing().stream().map(MaterialId::hex).forEach(missing::add);
                out.put("ServiceObjectCount", report.serviceObjects());
                out.put("ForeignObjectCount", report.foreignObjects());
                out.put("OrphansDestroyed", report.orphansDestroyed());
                var incomplete = out.putArray("IncompleteObjects");
                report.incomplete().forEach(o -> incomplete.addObject()
                        .put("MaterialId", o.id() == null ? null : o.id().hex())
                        .put("Label", o.label()));
                out.put("IncompleteObjectsDestroyed", report.incompleteDestroyed());
                return out;
            }));
        }
    }
}
