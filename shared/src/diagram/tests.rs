use super::*;

fn size(columns: usize) -> Size {
    Size { width: 200.0, height: 24.0 + 16.0 * columns as f64 + 6.0 }
}

fn link(from: usize, to: usize) -> Link {
    Link { from, to, from_port: 12.0, to_port: 12.0 }
}

/// A schema shaped like the 200-table one the browser test uses: chains, fans around hubs, a
/// cycle, self-references, extra links, and tables with no foreign key at all.
fn big_schema(tables: usize) -> (Vec<Size>, Vec<Link>) {
    let mut seed = 7u64;
    let mut next = move |below: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % below.max(1)
    };
    let sizes: Vec<Size> = (0..tables).map(|_| size(2 + next(25))).collect();
    let mut links = Vec::new();
    for t in 1..tables {
        match t % 10 {
            // Chains: each references the one before.
            1..=3 => links.push(Link { from: t, to: t - 1, from_port: 28.0, to_port: 12.0 }),
            // Fans: many reference a hub.
            4..=6 => links.push(link(t, (t / 50) * 50)),
            7 => {
                links.push(link(t, next(t)));
                links.push(link(t, next(t)));
            }
            8 if t % 40 == 8 => links.push(link(t, t)),
            _ => {} // 9, 0 and most 8s stay alone
        }
    }
    // A cycle: 100 → 101 → 102 → 100 (101 and 102 are chain members already).
    links.push(link(100, 102));
    (sizes, links)
}

fn assert_no_overlap(drawing: &Drawing) {
    for (i, a) in drawing.boxes.iter().enumerate() {
        for (j, b) in drawing.boxes.iter().enumerate().skip(i + 1) {
            assert!(!a.overlaps(b), "boxes {i} {a:?} and {j} {b:?} overlap");
        }
        assert!(a.x >= 0.0 && a.y >= 0.0 && a.x + a.width <= drawing.width && a.y + a.height <= drawing.height);
    }
}

/// Every segment is horizontal or vertical and enters no box's interior.
fn assert_routes_avoid_boxes(drawing: &Drawing) {
    for (r, route) in drawing.routes.iter().enumerate() {
        for w in route.points.windows(2) {
            let (p, q) = (w[0], w[1]);
            assert!(p.x == q.x || p.y == q.y, "route {r} has a slanted segment {p:?}–{q:?}");
            let segment =
                Rect { x: p.x.min(q.x), y: p.y.min(q.y), width: (p.x - q.x).abs(), height: (p.y - q.y).abs() };
            for (b, table) in drawing.boxes.iter().enumerate() {
                let inside =
                    Rect { x: table.x + 0.5, y: table.y + 0.5, width: table.width - 1.0, height: table.height - 1.0 };
                let touches = segment.x < inside.x + inside.width
                    && inside.x < segment.x + segment.width.max(0.01)
                    && segment.y < inside.y + inside.height
                    && inside.y < segment.y + segment.height.max(0.01);
                assert!(!touches, "route {r} segment {p:?}–{q:?} crosses box {b} {table:?}");
            }
        }
    }
}

/// Routes start on the referencing box's edge and end on the referenced box's.
fn assert_routes_join_their_tables(drawing: &Drawing, links: &[Link]) {
    for (route, link) in drawing.routes.iter().zip(links) {
        let on_edge = |p: &Point, b: &Rect| (p.x == b.x || p.x == b.x + b.width) && p.y >= b.y && p.y <= b.y + b.height;
        let (first, last) = (route.points.first().unwrap(), route.points.last().unwrap());
        assert!(on_edge(first, &drawing.boxes[link.from]), "{link:?} starts at {first:?}");
        assert!(on_edge(last, &drawing.boxes[link.to]), "{link:?} ends at {last:?}");
    }
}

#[test]
fn referencing_tables_stand_right_of_the_tables_they_reference() {
    // 0 ← 1 ← 2, 0 ← 3, and 4 references both 2 and 3.
    let sizes = vec![size(3); 5];
    let links = vec![link(1, 0), link(2, 1), link(3, 0), link(4, 2), link(4, 3)];
    let drawing = lay_out(&sizes, &links);
    for l in &links {
        let (from, to) = (drawing.boxes[l.from], drawing.boxes[l.to]);
        assert!(to.x + to.width < from.x, "{l:?}: {to:?} is not left of {from:?}");
    }
    // The longest chain sets the columns: 0, then 1, then 2, then 4.
    assert!(drawing.boxes[4].x > drawing.boxes[2].x && drawing.boxes[2].x > drawing.boxes[1].x);
    assert_no_overlap(&drawing);
    assert_routes_avoid_boxes(&drawing);
    assert_routes_join_their_tables(&drawing, &links);
}

#[test]
fn reordering_crosses_fewer_lines_than_name_order() {
    // Name order puts a above b and c above d, but c references b and d references a.
    // Columns: [a, b, e] and [c, d, f]; f references e and a.
    let sizes = vec![size(2); 6];
    let (a, b, c, d, e, f) = (0, 1, 2, 3, 4, 5);
    let links = vec![link(c, b), link(d, a), link(f, e), link(f, a), link(c, e)];
    let name_order = lay_out_with(&sizes, &links, false);
    let reordered = lay_out(&sizes, &links);
    assert!(
        crossings(&reordered) < crossings(&name_order),
        "{} crossings, name order {}",
        crossings(&reordered),
        crossings(&name_order)
    );
    assert_no_overlap(&reordered);
    assert_routes_avoid_boxes(&reordered);
}

#[test]
fn reordering_is_never_worse_than_name_order_on_the_big_schema() {
    let (sizes, links) = big_schema(200);
    let name_order = lay_out_with(&sizes, &links, false);
    let reordered = lay_out(&sizes, &links);
    assert!(crossings(&reordered) <= crossings(&name_order), "{} > {}", crossings(&reordered), crossings(&name_order));
}

#[test]
fn the_same_schema_always_gives_the_same_picture() {
    let (sizes, links) = big_schema(200);
    assert_eq!(lay_out(&sizes, &links), lay_out(&sizes, &links));
}

#[test]
fn cycles_and_self_references_are_drawn() {
    // 0 → 1 → 2 → 0, and 1 references itself.
    let sizes = vec![size(4); 3];
    let links = vec![link(0, 1), link(1, 2), link(2, 0), Link { from: 1, to: 1, from_port: 28.0, to_port: 12.0 }];
    let drawing = lay_out(&sizes, &links);
    assert_no_overlap(&drawing);
    assert_routes_avoid_boxes(&drawing);
    assert_routes_join_their_tables(&drawing, &links);
    let columns: std::collections::BTreeSet<u64> = drawing.boxes.iter().map(|b| b.x as u64).collect();
    assert_eq!(columns.len(), 3, "a three-table cycle opened into three columns: {:?}", drawing.boxes);
    let own = &drawing.routes[3].points;
    let table = drawing.boxes[1];
    assert_eq!(own.len(), 4, "a loop: {own:?}");
    assert!(own.iter().all(|p| p.x >= table.x + table.width), "the loop stays right of its box: {own:?}");
    assert_eq!((own[0].y, own[3].y), (table.y + 28.0, table.y + 12.0));
}

#[test]
fn tables_without_foreign_keys_are_packed_in_a_grid_below() {
    // 0 ← 1 joined; 2..=10 alone, 11 only references itself.
    let sizes = vec![size(3); 12];
    let links = vec![link(1, 0), link(11, 11)];
    let drawing = lay_out(&sizes, &links);
    let joined_bottom = drawing.boxes[0].bottom().max(drawing.boxes[1].bottom());
    let alone = &drawing.boxes[2..];
    assert!(alone.iter().all(|b| b.y > joined_bottom), "{:?}", drawing.boxes);
    let rows: std::collections::BTreeSet<u64> = alone.iter().map(|b| b.y as u64).collect();
    assert!(rows.len() > 1 && rows.len() <= 4, "10 tables in a compact grid, not one line: {rows:?}");
    assert_no_overlap(&drawing);
    assert_routes_avoid_boxes(&drawing);
}

#[test]
fn two_hundred_tables_do_not_overlap_and_lines_avoid_boxes() {
    let (sizes, links) = big_schema(200);
    let drawing = lay_out(&sizes, &links);
    assert_eq!(drawing.boxes.len(), 200);
    assert_no_overlap(&drawing);
    assert_routes_avoid_boxes(&drawing);
    assert_routes_join_their_tables(&drawing, &links);
    // Wide layers wrap: the picture stays near a screen's shape rather than one tall column.
    let ratio = drawing.height / drawing.width;
    assert!((0.3..=2.0).contains(&ratio), "{}×{}", drawing.width, drawing.height);
}

#[test]
fn an_empty_schema_and_a_link_to_a_missing_table() {
    let empty = lay_out(&[], &[]);
    assert!(empty.boxes.is_empty() && empty.routes.is_empty());
    let drawing = lay_out(&[size(1)], &[link(0, 5)]);
    assert_eq!(drawing.routes, vec![Route { points: Vec::new() }]);
    assert_no_overlap(&drawing);
}
