(define (problem plan_trial_T20190908_001122_334455)
(:domain alfred)
(:objects
agent1 - agent
DeskLampType - otype
BookType - otype
PenType - otype
HousePlantType - otype
ShelfType - rtype
DeskType - rtype
SideTableType - rtype
SofaType - rtype
DeskLamp_bar__minus_01_dot_30_bar__plus_00_dot_80_bar__plus_00_dot_35 - object
Book_bar__plus_02_dot_05_bar__plus_00_dot_60_bar__minus_00_dot_75 - object
Pen_bar__minus_04_dot_10_bar__plus_00_dot_35_bar__plus_03_dot_85 - object
HousePlant_bar__plus_02_dot_20_bar__plus_00_dot_60_bar__minus_00_dot_60 - object
Shelf_bar__minus_04_dot_20_bar__plus_00_dot_31_bar__plus_03_dot_90 - receptacle
Shelf_bar__minus_04_dot_20_bar__plus_00_dot_67_bar__plus_03_dot_90 - receptacle
Shelf_bar__minus_01_dot_10_bar__plus_00_dot_78_bar__plus_00_dot_40 - receptacle
Desk_bar__minus_01_dot_20_bar__plus_00_dot_00_bar__plus_00_dot_40 - receptacle
SideTable_bar__plus_02_dot_10_bar__plus_00_dot_00_bar__minus_00_dot_70 - receptacle
Sofa_bar__plus_00_dot_40_bar__plus_00_dot_00_bar__minus_02_dot_60 - receptacle
loc_bar_2_bar__minus_4_bar_1_bar_30 - location
loc_bar__minus_17_bar_14_bar_0_bar_30 - location
loc_bar__minus_4_bar_3_bar_3_bar_45 - location
loc_bar__minus_4_bar_2_bar_3_bar_45 - location
loc_bar_7_bar__minus_3_bar_1_bar_45 - location
loc_bar_2_bar__minus_8_bar_2_bar_30 - location
loc_bar_8_bar__minus_3_bar_1_bar_60 - location
loc_bar__minus_16_bar_15_bar_0_bar_60 - location
loc_bar_8_bar__minus_2_bar_1_bar_60 - location
)

(:init

(atLocation agent1 loc_bar_2_bar__minus_4_bar_1_bar_30)
(canContain ShelfType BookType)
(canContain ShelfType PenType)
(canContain DeskType BookType)
(canContain DeskType PenType)
(canContain SideTableType BookType)
(canContain SideTableType PenType)
(canContain SofaType BookType)
(receptacleType Shelf_bar__minus_04_dot_20_bar__plus_00_dot_31_bar__plus_03_dot_90 ShelfType)
(receptacleAtLocation Shelf_bar__minus_04_dot_20_bar__plus_00_dot_31_bar__plus_03_dot_90 loc_bar__minus_17_bar_14_bar_0_bar_30)
(receptacleType Shelf_bar__minus_04_dot_20_bar__plus_00_dot_67_bar__plus_03_dot_90 ShelfType)
(receptacleAtLocation Shelf_bar__minus_04_dot_20_bar__plus_00_dot_67_bar__plus_03_dot_90 loc_bar__minus_17_bar_14_bar_0_bar_30)
(receptacleType Shelf_bar__minus_01_dot_10_bar__plus_00_dot_78_bar__plus_00_dot_40 ShelfType)
(receptacleAtLocation Shelf_bar__minus_01_dot_10_bar__plus_00_dot_78_bar__plus_00_dot_40 loc_bar__minus_4_bar_3_bar_3_bar_45)
(receptacleType Desk_bar__minus_01_dot_20_bar__plus_00_dot_00_bar__plus_00_dot_40 DeskType)
(receptacleAtLocation Desk_bar__minus_01_dot_20_bar__plus_00_dot_00_bar__plus_00_dot_40 loc_bar__minus_4_bar_2_bar_3_bar_45)
(receptacleType SideTable_bar__plus_02_dot_10_bar__plus_00_dot_00_bar__minus_00_dot_70 SideTableType)
(receptacleAtLocation SideTable_bar__plus_02_dot_10_bar__plus_00_dot_00_bar__minus_00_dot_70 loc_bar_7_bar__minus_3_bar_1_bar_45)
(receptacleType Sofa_bar__plus_00_dot_40_bar__plus_00_dot_00_bar__minus_02_dot_60 SofaType)
(receptacleAtLocation Sofa_bar__plus_00_dot_40_bar__plus_00_dot_00_bar__minus_02_dot_60 loc_bar_2_bar__minus_8_bar_2_bar_30)
(objectType DeskLamp_bar__minus_01_dot_30_bar__plus_00_dot_80_bar__plus_00_dot_35 DeskLampType)
(inReceptacle DeskLamp_bar__minus_01_dot_30_bar__plus_00_dot_80_bar__plus_00_dot_35 Desk_bar__minus_01_dot_20_bar__plus_00_dot_00_bar__plus_00_dot_40)
(inReceptacle DeskLamp_bar__minus_01_dot_30_bar__plus_00_dot_80_bar__plus_00_dot_35 Shelf_bar__minus_01_dot_10_bar__plus_00_dot_78_bar__plus_00_dot_40)
(objectAtLocation DeskLamp_bar__minus_01_dot_30_bar__plus_00_dot_80_bar__plus_00_dot_35 loc_bar__minus_4_bar_2_bar_3_bar_45)
(toggleable DeskLamp_bar__minus_01_dot_30_bar__plus_00_dot_80_bar__plus_00_dot_35)
(objectType Book_bar__plus_02_dot_05_bar__plus_00_dot_60_bar__minus_00_dot_75 BookType)
(inReceptacle Book_bar__plus_02_dot_05_bar__plus_00_dot_60_bar__minus_00_dot_75 SideTable_bar__plus_02_dot_10_bar__plus_00_dot_00_bar__minus_00_dot_70)
(objectAtLocation Book_bar__plus_02_dot_05_bar__plus_00_dot_60_bar__minus_00_dot_75 loc_bar_8_bar__minus_3_bar_1_bar_60)
(pickupable Book_bar__plus_02_dot_05_bar__plus_00_dot_60_bar__minus_00_dot_75)
(objectType Pen_bar__minus_04_dot_10_bar__plus_00_dot_35_bar__plus_03_dot_85 PenType)
(inReceptacle Pen_bar__minus_04_dot_10_bar__plus_00_dot_35_bar__plus_03_dot_85 Shelf_bar__minus_04_dot_20_bar__plus_00_dot_31_bar__plus_03_dot_90)
(objectAtLocation Pen_bar__minus_04_dot_10_bar__plus_00_dot_35_bar__plus_03_dot_85 loc_bar__minus_16_bar_15_bar_0_bar_60)
(pickupable Pen_bar__minus_04_dot_10_bar__plus_00_dot_35_bar__plus_03_dot_85)
(objectType HousePlant_bar__plus_02_dot_20_bar__plus_00_dot_60_bar__minus_00_dot_60 HousePlantType)
(inReceptacle HousePlant_bar__plus_02_dot_20_bar__plus_00_dot_60_bar__minus_00_dot_60 SideTable_bar__plus_02_dot_10_bar__plus_00_dot_00_bar__minus_00_dot_70)
(objectAtLocation HousePlant_bar__plus_02_dot_20_bar__plus_00_dot_60_bar__minus_00_dot_60 loc_bar_8_bar__minus_2_bar_1_bar_60)
)

(:goal
     (and
        (exists (?ot - object ?a - agent ?l - location)
            (and
                (objectType ?ot DeskLampType)
                (toggleable ?ot)
                (isToggled ?ot)
                (objectAtLocation ?ot ?l)
                (atLocation ?a ?l)
            )
        )
        (exists (?o - object ?a - agent)
            (and
                (objectType ?o BookType)
                (holds ?a ?o)
            )
        )
     )
)
)
